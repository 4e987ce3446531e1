"""Delivery after the response: the mails a request queued leave once its transaction committed.

An ASGI middleware gives each request an `Outgoing` list (a context variable that `send`
appends to); when the application has answered, the mails queued are delivered in a worker
thread. The request's own transaction committed before its response (SessionDep), so a mail
is only sent for an action that is stored; a mail that fails stays queued for the postman.
"""

from __future__ import annotations

import threading

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.mail.service import CURRENT, Outgoing, Postman, deliver_quietly

_STARTING = threading.Lock()


class DeliverAfterResponse:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        app = scope["app"]
        settings = app.state.settings
        outgoing = Outgoing(base_url=settings.public_url or str(Request(scope).base_url))
        token = CURRENT.set(outgoing)
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT.reset(token)
        _start_postman(app)
        if outgoing.ids:
            await run_in_threadpool(deliver_quietly, app.state.sessions, settings, outgoing.ids)


def _start_postman(app: FastAPI) -> None:
    """The retry thread, started by the first request of a serving process (not in tests:
    their database is a connection the test itself holds)."""
    if getattr(app.state, "postman", None) is not None:
        return
    with _STARTING:
        if getattr(app.state, "postman", None) is not None:
            return
        settings = app.state.settings
        if settings.environment == "test" or settings.mail_poll_seconds <= 0:
            app.state.postman = False
            return
        postman = Postman(app.state.sessions, settings, settings.mail_poll_seconds)
        app.state.postman = postman
        postman.start()


def stop_postman(app: FastAPI) -> None:
    """Stops the retry thread at shutdown (before the database goes); a later start of the
    same app starts a new one."""
    with _STARTING:
        postman, app.state.postman = getattr(app.state, "postman", None), None
    if postman:
        postman.stop()


def install_mail(app: FastAPI) -> None:
    app.add_middleware(DeliverAfterResponse)
