"""The admin's view of the outbox: every mail queued, sent or given up, and its text when it
went to the local folder (no SMTP server set)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.core.deps import SessionDep
from api.core.inputs import DbId
from api.core.pagination import page_number, pager
from api.core.rendering import SignedIn, WebRoute, render, require_role
from api.mail import service

router = APIRouter(route_class=WebRoute)

OUTBOX_PAGE = 30


@router.get("/admin/courriels")
def outbox(request: Request, session: SessionDep, user: SignedIn, page: str = "1") -> Response:
    require_role(user, "admin")
    number = page_number(page)
    mails, total = service.outbox_page(session, OUTBOX_PAGE, (number - 1) * OUTBOX_PAGE)
    settings = request.app.state.settings
    return render(
        request,
        "web/mail_outbox.html",
        user,
        mails=mails,
        total=total,
        paging=pager("/admin/courriels", {}, number, total=total, size=OUTBOX_PAGE),
        smtp=settings.smtp_host,
        folder=str(settings.outbox_dir()),
    )


@router.get("/admin/courriels/{mail_id}")
def outbox_mail(request: Request, session: SessionDep, user: SignedIn, mail_id: DbId) -> Response:
    require_role(user, "admin")
    # With an SMTP server the texts (reset links...) are for their recipients, not the admin.
    smtp = request.app.state.settings.smtp_host
    mail = service.outbox_mail(session, mail_id)
    return render(request, "web/mail_view.html", user, mail=mail, smtp=smtp)
