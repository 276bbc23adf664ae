"""Outages of PostgreSQL or Redis become 503 with Retry-After, never a 500 traceback (TEN-3).

Three places see such an error, from the inside out:

- DRF's exception handler (`core.api.exception_handler`) for errors raised in an API view,
  including authentication: a token that cannot be checked because the database is down is
  answered 503, never let through (authentication never fails open);
- `server_error`, installed as `handler500` in both URLconfs, for everything else: Django
  calls it for any uncaught exception in a view *or in any middleware* (tenant resolution,
  sessions), while the exception is still being handled, so it can tell an outage from a bug;
- for `/readyz` that failed before its view ran (tenant resolution could not look the host
  up), `server_error` runs the readiness checks itself, so the 503 still names what is down.

API clients (`/api/` paths, or a request that asks for JSON) get `{"detail": ..., "errors":
{}, "unavailable": "<service>"}`; people get a Russian page.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

SERVICE_NAMES = {
    "postgresql": "база данных",
    "redis": "служба кэша и очередей",
    "broker": "очередь фоновых задач",
}
OUTAGE_MESSAGE = "Сервис временно недоступен. Повторите попытку через несколько секунд."


def outage_service(exc: BaseException | None) -> str | None:
    """Which backing service `exc` says is unreachable, or None if it is not an outage."""
    import redis.exceptions
    from django.db import InterfaceError, OperationalError
    from kombu.exceptions import OperationalError as BrokerError

    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OperationalError | InterfaceError):
            return "postgresql"
        if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
            return "redis"
        if isinstance(exc, BrokerError):
            return "broker"
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "/api/" in request.path or ("application/json" in accept and "text/html" not in accept)


def retry_after_seconds() -> int:
    return int(getattr(settings, "OUTAGE_RETRY_AFTER_SECONDS", 5))


def outage_response(request: HttpRequest, service: str) -> HttpResponse:
    """503 with Retry-After: JSON for API clients, a Russian page for people."""
    response: HttpResponse
    if wants_json(request):
        response = JsonResponse(
            {"detail": OUTAGE_MESSAGE, "errors": {}, "unavailable": service}, status=503
        )
    else:
        body = render_to_string(
            "core/service_unavailable.html",
            {"service": SERVICE_NAMES.get(service, service), "retry_after": retry_after_seconds()},
        )
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after_seconds())
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: an outage becomes 503; any other error stays a plain 500."""
    exc = sys.exc_info()[1]
    service = outage_service(exc)
    if service is not None:
        logger.warning("answered 503: %s unavailable (%s)", service, type(exc).__name__)
        if request.path == "/readyz":
            return _readyz_during_outage(request, service)
        return outage_response(request, service)
    if wants_json(request):
        return JsonResponse({"detail": "Внутренняя ошибка сервера.", "errors": {}}, status=500)
    return defaults.server_error(request)


def _readyz_during_outage(request: HttpRequest, service: str) -> HttpResponse:
    """The readiness probe failed before its view ran (e.g. in tenant resolution): run its
    checks anyway, so the 503 still names what is down."""
    from core.health import readiness

    results = readiness()
    down = [name for name, state in results.items() if state != "ok"] or [service]
    response = JsonResponse({"status": "unavailable", "checks": results, "down": down}, status=503)
    response["Retry-After"] = str(retry_after_seconds())
    return response
