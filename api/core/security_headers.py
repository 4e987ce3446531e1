"""Headers that tell browsers how to treat every answer: CSP, framing, sniffing, referrer, HSTS."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The pages load scripts, styles and images from /static only: no inline script, no inline
# event handler, no inline style attribute (htmx's own indicator style is switched off by the
# `htmx-config` meta tag in base.html and drawn by passerelle.css). `data:` images are for
# icons drawn in CSS. A page that needs more sets its own policy (see api/core/docs.py).
PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    )
)
# One year, this host only: includeSubDomains or preload would bind every other service of
# the domain that deploys us to HTTPS, which is not ours to decide.
HSTS = "max-age=31536000"

ALWAYS: Mapping[str, str] = {
    "Content-Security-Policy": PAGE_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def served_over_https(scope: Scope, trust_forwarded_proto: bool) -> bool:
    """Whether the browser reached us over HTTPS: directly, or through a proxy we trust."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    if not trust_forwarded_proto:
        return False
    # A chain of proxies lists protocols outermost first: the browser's is the first one.
    forwarded = Headers(scope=scope).get("x-forwarded-proto", "")
    return forwarded.split(",")[0].strip().lower() == "https"


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP response that does not set its own.

    A route may send a different Content-Security-Policy (the API docs do); the others are the
    same everywhere. Pure ASGI rather than BaseHTTPMiddleware, so streamed bodies stay streamed.
    """

    def __init__(self, app: ASGIApp, *, trust_forwarded_proto: bool = False) -> None:
        self.app = app
        self.trust_forwarded_proto = trust_forwarded_proto

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = served_over_https(scope, self.trust_forwarded_proto)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    headers.setdefault(name, value)
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
