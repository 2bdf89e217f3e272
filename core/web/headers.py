"""Security headers on every response, from the app itself (not only from nginx).

The Content-Security-Policy allows scripts from this site only: no inline ``<script>``
and no ``on…=`` handlers (page behaviour lives in ``static/js/zugong.js``; chart data
travels in ``<script type="application/json">``, which is never executed), no eval.
Styles keep ``'unsafe-inline'``: ECharts and htmx set inline styles, and a style cannot
run code. Framing is refused (``frame-ancestors 'none'`` and ``X-Frame-Options``), and in
production HSTS tells browsers to use HTTPS only.
"""

from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: No includeSubDomains: other sites under the same government domain may not be on
#: HTTPS yet (as in deploy/nginx/zugong.conf).
HSTS = "max-age=31536000"


def register_security_headers(app: Flask) -> None:
    production = app.config["ENV_NAME"] == "production"

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if production:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
