"""TEN-3 (issue #11): a cache or database outage degrades the platform, never a 500.

Redis down: host lookups and other cached reads fall back to PostgreSQL, writes go on;
what must not pretend (one-time tickets, counters) fails closed. PostgreSQL down: 503 with
Retry-After, JSON for the API and a Russian page for people; a token that cannot be checked
is refused.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import redis
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

from core.cache_backends import ResilientRedisCache
from tests.reliability.conftest import free_port


def dead_cache_settings(settings: Any) -> str:
    """Point both cache aliases at a port nobody listens on."""
    location = f"redis://127.0.0.1:{free_port()}/1"
    caches = {alias: dict(conf, LOCATION=location) for alias, conf in settings.CACHES.items()}
    settings.CACHES = caches
    return location


def test_dead_redis_reads_miss_writes_drop_and_answers_fail_closed() -> None:
    cache = ResilientRedisCache(
        f"redis://127.0.0.1:{free_port()}/1",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "BREAKER_SECONDS": 30}},
    )
    assert cache.available
    assert cache.get("k", "fallback") == "fallback"  # the failure trips the breaker
    assert not cache.available
    cache.set("k", 1)  # dropped, no error
    cache.delete_many(["k"])
    with pytest.raises(redis.exceptions.ConnectionError):
        cache.add("ticket-used", 1)  # a replay guard must not say "first use"
    with pytest.raises(redis.exceptions.ConnectionError):
        cache.incr("attempts")
    with pytest.raises(redis.exceptions.ConnectionError):
        cache.get_or_set("attempts", 0)
    started = time.monotonic()
    for _ in range(200):
        cache.get("k")
    assert time.monotonic() - started < 0.2  # the open breaker does not dial Redis again


def test_school_is_served_from_postgresql_when_redis_is_down(school1: Any, settings: Any) -> None:
    from accounts.models import User
    from core.tenancy import db

    db.set_tenant(school1)
    user = User.objects.create_user("redisless", password="x-long-pass-1")
    db.set_schema_to_public()
    dead_cache_settings(settings)
    client = APIClient(HTTP_HOST="school1.localhost")
    client.force_authenticate(user)
    for _ in range(3):  # DRF throttling reads the dead cache too: it lets the request pass
        response = client.get("/api/v1/me/")
        assert response.status_code == 200, response.content
        assert response.json()["username"] == "redisless"


def test_unknown_host_is_still_404_when_redis_is_down(db: None, settings: Any) -> None:
    dead_cache_settings(settings)
    assert APIClient(HTTP_HOST="nosuch.localhost").get("/").status_code == 404


def test_sign_in_lockout_and_sessions_do_not_live_in_redis(settings: Any) -> None:
    """The decision behind 'sign-in keeps working without Redis': sessions and axes'
    attempts are in PostgreSQL (a cache-only store would lose or bypass them)."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    from axes.conf import settings as axes_settings

    assert axes_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_bogus_token_is_401_when_the_database_is_up(school1: Any) -> None:
    # 403, not 401: the first authenticator (sessions) sends no WWW-Authenticate challenge.
    client = APIClient(HTTP_HOST="school1.localhost", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/v1/me/").status_code == 403
    assert client.post("/api/v1/register/lessons/1/marks/", {}, format="json").status_code == 403


def test_token_that_cannot_be_checked_is_503_never_accepted(
    school1: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rest_framework.authentication import TokenAuthentication

    def database_down(self: Any, key: str) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(TokenAuthentication, "authenticate_credentials", database_down)
    client = APIClient(HTTP_HOST="school1.localhost", HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.post("/api/v1/register/lessons/1/marks/", {}, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["unavailable"] == "postgresql"
    assert "недоступен" in response.json()["detail"]


def test_page_gets_a_russian_503_when_the_database_is_down(
    school1: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raised in tenant resolution (a middleware): handler500 turns it into 503."""

    def database_down(hostname: str) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr("tenants.middleware.school_for_host", database_down)
    client = Client(HTTP_HOST="school1.localhost", raise_request_exception=False)
    page = client.get("/")
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "text/html" in page["Content-Type"]
    assert "Сервис временно недоступен" in page.content.decode()
    api = client.get("/api/v1/me/")
    assert api.status_code == 503
    assert api.json()["unavailable"] == "postgresql"
    # Any other error is still a 500 (an outage is not a place to hide bugs).
    monkeypatch.setattr("tenants.middleware.school_for_host", lambda hostname: 1 / 0)
    assert client.get("/").status_code == 500


def test_readyz_names_what_is_down_even_when_tenant_resolution_fails(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def redis_down(hostname: str) -> Any:
        raise redis.exceptions.ConnectionError("refused")

    monkeypatch.setattr("tenants.middleware.school_for_host", redis_down)
    ready = Client(HTTP_HOST="school1.localhost", raise_request_exception=False).get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["down"] == ["redis"]  # its own checks pass: the failure is named
