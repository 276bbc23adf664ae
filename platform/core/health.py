"""Liveness and readiness probes, served on every host without a session."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answers."""
    return JsonResponse({"status": "ok"})


def _check_postgresql() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Drop the broken connection now, so the next request opens a fresh one.
        connection.close()
        raise


def _check_redis() -> None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def _check_broker() -> None:
    from celery import current_app  # the project's app (config.celery), set at start-up

    # One retry at once, not after kombu's default 2 s pause: a readiness probe must answer
    # well inside the orchestrator's probe timeout, and a dead broker refuses at once.
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


CHECKS = {"postgresql": _check_postgresql, "redis": _check_redis, "broker": _check_broker}


def readiness() -> dict[str, str]:
    """Each backing service: "ok" or "down: <error class>"."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            results[name] = f"down: {type(exc).__name__}"
    return results


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when PostgreSQL, Redis and the Celery broker answer; 503 naming what is down.

    If the request fails before this view runs (the host lookup needs PostgreSQL when the
    cache is cold), `core.outage.server_error` runs the same checks and answers 503.
    """
    results = readiness()
    down = [name for name, state in results.items() if state != "ok"]
    return JsonResponse(
        {"status": "ok" if not down else "unavailable", "checks": results, "down": down},
        status=200 if not down else 503,
    )
