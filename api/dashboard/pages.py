"""The coordinators' regional dashboard: key figures, charts drawn server-side, unmet demand."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.core.deps import SessionDep
from api.core.i18n import translator
from api.core.rendering import SignedIn, WebRoute, formatters, language, render, require_role, tr
from api.core.vocabulary import STAFF_ROLES, SUGGESTION_STATUSES
from api.dashboard import service
from api.dashboard.charts import activity_chart, bars
from matching.calibration import fit_level, level_threshold

router = APIRouter(route_class=WebRoute)


def percent(lang: str, value: float | None) -> str:
    if value is None:
        return "—"
    shown = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{shown.replace('.', ',')}\u00a0%" if lang == "fr" else f"{shown}%"


def score_text(lang: str, value: float | None) -> str:
    return "—" if value is None else formatters(lang)["num"](value, 1)


def fit_text(request: Request, calibrated: bool, value: float | None) -> str:
    """A stored fit as its level and probability ("Possible (22 %)"); a fused score as a
    number when the engine has no calibration."""
    level = fit_level(value) if calibrated else None
    if value is None or level is None:
        return score_text(language(request), value)
    share = formatters(language(request))["pct"](value)
    return tr(request, "dashboard.fit.value", level=tr(request, f"fit.level.{level}"), share=share)


@router.get("/tableau-de-bord")
def dashboard(request: Request, session: SessionDep, user: SignedIn) -> Response:
    require_role(user, *STAFF_ROLES)
    lang = language(request)
    t = translator(lang)
    unknown = tr(request, "dashboard.unknown")
    people, needs = service.territories(session)
    by_territory = bars(
        {tr(request, "dashboard.people"): people, tr(request, "dashboard.needs"): needs}, unknown
    )
    by_sector = bars(
        {tr(request, "dashboard.needs"): service.open_needs_by_sector(session)}, unknown
    )
    by_sector["rows"].sort(key=lambda r: -r["bars"][0]["value"])
    calibrated = request.app.state.matching.calibrator() is not None
    good = service.good_cut(calibrated)
    readings = request.app.state.matching.people_readings(session)
    schools = service.schools(session, good, calibrated, readings)
    school_top = max((s.students for s in schools), default=0) or 1
    weeks = service.weekly_activity(session)
    figures = service.key_figures(session)
    return render(
        request,
        "web/dashboard.html",
        user,
        figures=figures,
        introduction_rate=percent(lang, figures.introduction_rate),
        by_territory=by_territory,
        by_sector=by_sector,
        statuses=service.status_counts(session),
        status_names=SUGGESTION_STATUSES,
        decision_names=service.DECISIONS,
        schools=schools,
        school_top=school_top,
        school_readings=readings is not None,
        share_text=lambda v: percent(lang, v),
        activity=activity_chart(weeks, t) if weeks else None,
        weak_needs=service.weak_needs(
            session, good=good, by_fit=calibrated, matching=request.app.state.matching
        ),
        unmatched=service.students_without_offer(
            session, good=good, by_fit=calibrated, matching=request.app.state.matching
        ),
        calibrated=calibrated,
        good_score=score_text(lang, good),
        good_share=formatters(lang)["pct"](level_threshold(service.GOOD_LEVEL)),
        score_text=lambda v: fit_text(request, calibrated, v),
    )
