"""The interactive API documentation (Swagger UI), served from our own files under a strict CSP.

FastAPI's default /docs and /redoc pages load their scripts from a CDN and start them with an
inline script: the service runs without network access, so those pages never worked offline,
and an inline script would need `'unsafe-inline'`. Here Swagger UI 5.35.0 (swagger-ui-dist,
Apache-2.0) is vendored in api/static/vendor/swagger-ui/ and started by
api/static/js/swagger-init.js. ReDoc would be a second megabyte of vendored code showing the
same schema: /redoc leads to /docs instead.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from api.core.security_headers import PAGE_POLICY

OPENAPI_URL = "/openapi.json"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
VENDOR = "/static/vendor/swagger-ui"

# The page policy, plus inline styles: Swagger UI's React components write `style` attributes
# into the markup they render (upstream issue 10655), which `style-src 'self'` would block.
# Scripts stay 'self' only, and this page shows nothing but the API schema.
DOCS_POLICY = PAGE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

SWAGGER_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Passerelle — API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{VENDOR}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{OPENAPI_URL}"
       data-oauth2-redirect-url="{OAUTH2_REDIRECT_URL}"></div>
  <script src="{VENDOR}/swagger-ui-bundle.js"></script>
  <script src="/static/js/swagger-init.js"></script>
</body>
</html>
"""

OAUTH2_REDIRECT_PAGE = f"""<!doctype html>
<html lang="en">
<body>
  <script src="{VENDOR}/oauth2-redirect.js"></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(SWAGGER_PAGE, headers={"Content-Security-Policy": DOCS_POLICY})


@router.get(OAUTH2_REDIRECT_URL)
def swagger_ui_oauth2_redirect() -> HTMLResponse:
    return HTMLResponse(OAUTH2_REDIRECT_PAGE)


@router.get("/redoc")
def redoc() -> RedirectResponse:
    return RedirectResponse("/docs")
