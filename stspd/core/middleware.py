"""Middleware of the whole site: the content security policy and one log line per request."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from stspd.core import routing

log = logging.getLogger("stspd.request")

# Scripts come only from our own static files: pages pass their data through
# <script type="application/json"> blocks (json_script), which are data, never run.
# Styles allow inline attributes: ECharts' tooltips, Leaflet and the DSFR's scripts set them.
DEFAULT_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class ContentSecurityPolicyMiddleware:
    """Django 5.2 has no content security policy of its own: set the header on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CSP)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class RequestLogMiddleware:
    """Give each request an id (the proxy's X-Request-ID when it sends a sane one) and log one
    line when it ends: id, user, method, path, status and duration in milliseconds.

    It also tells the database router whether this request may read from a replica.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # our own attribute on the request; HttpRequest does not declare it
        token = routing.start_request(request)
        try:
            response = self.get_response(request)
        finally:
            routing.end_request(token)
        routing.after_response(request, response)
        response["X-Request-ID"] = request_id
        if not log.isEnabledFor(logging.INFO):
            return response  # reading the user below may cost a query: only when logged
        user = getattr(request, "user", None)
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request_id,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
