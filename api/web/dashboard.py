"""The coordinators' regional dashboard: key figures, charts drawn server-side, unmet demand."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import stats
from api.core.deps import SessionDep
from api.core.i18n import translator
from api.core.rendering import SignedIn, WebRoute, formatters, language, render, require_role, tr
from api.models import Need, Person

router = APIRouter(route_class=WebRoute)

STATUSES = ("proposed", "approved", "rejected", "introduced", "hired")


def bars(series: dict[str, dict[str, int]], unknown: str) -> dict[str, Any]:
    """Geometry of a grouped horizontal bar chart, drawn as inline SVG by the template."""
    labels = sorted({k for values in series.values() for k in values}, key=lambda k: (k == "", k))
    top = max((v for values in series.values() for v in values.values()), default=0) or 1
    rows = [
        {
            "label": label or unknown,
            "bars": [
                {"series": i, "value": values.get(label, 0), "width": values.get(label, 0) / top}
                for i, values in enumerate(series.values())
            ],
        }
        for label in labels
    ]
    return {"names": list(series), "rows": rows}


def nice_ticks(top: int, most: int = 4) -> list[int]:
    """Round axis values from 0 to at least `top`, at most `most` steps (1, 2 or 5 × 10^k)."""
    top = max(top, 1)
    step = 1
    for magnitude in range(0, 12):
        for base in (1, 2, 5):
            step = base * 10**magnitude
            if math.ceil(top / step) <= most:
                return list(range(0, step * math.ceil(top / step) + 1, step))
    return [0, top]


WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 14, 34


def week_label(t: Callable[..., str], day: Any) -> str:
    months = t("dashboard.months").split(",")
    return t("dashboard.week_label", day=day.day, month=months[day.month - 1], year=day.year)


def activity_chart(weeks: Sequence[stats.Week], t: Callable[..., str]) -> dict[str, Any]:
    """Geometry of the weekly column chart: proposed suggestions beside stacked decisions."""
    ticks = nice_ticks(max(max(w.created, w.decided) for w in weeks))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    scale = plot_h / ticks[-1]
    group = plot_w / len(weeks)
    bar = min(26.0, group * 0.4)
    every = math.ceil(len(weeks) / 8)  # at most eight dates under the axis
    columns: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    for i, week in enumerate(weeks):
        middle = LEFT + group * (i + 0.5)
        label = week_label(t, week.start)
        height = week.created * scale
        columns.append(
            {
                "x": round(middle - bar - 1, 1),
                "y": round(base - height, 1),
                "w": round(bar, 1),
                "h": round(height, 1),
                "cls": "series-0",
                "title": f"{label} — {t('dashboard.created')} : {week.created}",
            }
        )
        top = float(base)
        for status in stats.DECISIONS:
            n = week.decisions.get(status, 0)
            if not n:
                continue
            height = n * scale
            top -= height
            columns.append(
                {
                    "x": round(middle + 1, 1),
                    "y": round(top, 1),
                    "w": round(bar, 1),
                    "h": round(height, 1),
                    "cls": f"bar-{status}",
                    "title": f"{label} — {t('status.' + status)} : {n}",
                }
            )
        if i % every == 0:
            labels.append({"x": round(middle, 1), "text": label})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "base": base,
        "ticks": [{"y": round(base - v * scale, 1), "value": v} for v in ticks],
        "columns": columns,
        "labels": labels,
        "rows": [
            {
                "label": week_label(t, w.start),
                "created": w.created,
                "decisions": [w.decisions.get(s, 0) for s in stats.DECISIONS],
            }
            for w in weeks
        ],
        "total_created": sum(w.created for w in weeks),
        "total_decided": sum(w.decided for w in weeks),
        "first": week_label(t, weeks[0].start),
        "last": week_label(t, weeks[-1].start),
    }


def percent(lang: str, value: float | None) -> str:
    if value is None:
        return "—"
    shown = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{shown.replace('.', ',')}\u00a0%" if lang == "fr" else f"{shown}%"


def score_text(lang: str, value: float | None) -> str:
    return "—" if value is None else formatters(lang)["num"](value, 1)


@router.get("/tableau-de-bord")
def dashboard(request: Request, session: SessionDep, user: SignedIn) -> Response:
    require_role(user, "coordinator", "admin")
    lang = language(request)
    t = translator(lang)
    unknown = tr(request, "dashboard.unknown")
    by_territory = bars(
        {
            tr(request, "dashboard.people"): stats.counts_by(session, Person.territory),
            tr(request, "dashboard.needs"): stats.counts_by(session, Need.territory, Need.is_open),
        },
        unknown,
    )
    by_sector = bars({tr(request, "dashboard.needs"): stats.open_needs_by_sector(session)}, unknown)
    by_sector["rows"].sort(key=lambda r: -r["bars"][0]["value"])
    schools = stats.schools(session)
    school_top = max((s.students for s in schools), default=0) or 1
    weeks = stats.weekly_activity(session)
    figures = stats.key_figures(session)
    return render(
        request,
        "web/dashboard.html",
        user,
        figures=figures,
        introduction_rate=percent(lang, figures.introduction_rate),
        by_territory=by_territory,
        by_sector=by_sector,
        statuses=stats.status_counts(session),
        status_names=STATUSES,
        decision_names=stats.DECISIONS,
        schools=schools,
        school_top=school_top,
        activity=activity_chart(weeks, t) if weeks else None,
        weak_needs=stats.weak_needs(session),
        unmatched=stats.students_without_offer(session),
        good_score=score_text(lang, stats.GOOD_SCORE),
        score_text=lambda v: score_text(lang, v),
    )
