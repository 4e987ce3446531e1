"""A request body over the size limit is refused while it arrives, before the app sees it.

`BodyLimit` is a pure ASGI middleware: it reads the body itself, counting bytes, and answers
413 as soon as the count passes the limit, without reading the rest. Only a body within the
limit reaches the app, replayed from what was read; so no route, dependency or sign-in (token
check, database, password hash) ever works on behalf of an oversized request, chunked or not.
Holding the body costs at most the limit per request, which the app would hold anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The limit in force for a request (read per request: settings may change while serving).
LimitOf = Callable[[Scope], int]
# The 413 answer for a request whose body is over `limit` bytes.
Refusal = Callable[[Request, int], Response]


def declared_length(scope: Scope) -> int | None:
    """The Content-Length header as a number; -1 when present but not a number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else -1
    return None


class BodyLimit:
    """Refuse (413) any request whose body is longer than the limit, while it streams in."""

    def __init__(self, app: ASGIApp, limit_of: LimitOf, refuse: Refusal) -> None:
        self.app = app
        self.limit_of = limit_of
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope)
        declared = declared_length(scope)
        if declared is not None and not 0 <= declared <= limit:
            await self._refuse(scope, send, limit)
            return
        read: list[Message] = []
        size = 0
        while True:
            message = await receive()
            read.append(message)
            if message["type"] != "http.request":
                break  # the client went away: the app learns it from the replay
            size += len(message.get("body", b""))
            if size > limit:
                # Whatever Content-Length said, no more than this is read.
                await self._refuse(scope, send, limit)
                return
            if not message.get("more_body", False):
                break
        read.reverse()

        async def replay() -> Message:
            return read.pop() if read else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        async def gone() -> Message:
            return {"type": "http.disconnect"}

        response = self.refuse(Request(scope), limit)
        # The rest of the body stays unread: the connection cannot be reused after this.
        response.headers["connection"] = "close"
        await response(scope, gone, send)
