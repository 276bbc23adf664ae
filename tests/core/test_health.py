"""/healthz and /readyz on every host; readiness names what is down."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from rest_framework.test import APIClient


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends


@pytest.mark.parametrize("host", ["localhost", "school1.localhost"])
def test_ready_when_everything_answers(school1: Any, host: str) -> None:
    client = APIClient(HTTP_HOST=host)
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"postgresql": "ok", "redis": "ok", "broker": "ok"}


def test_readyz_names_redis_when_it_is_down(db: None, settings: Any) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}"
    ready = APIClient(HTTP_HOST="localhost").get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["down"] == ["redis"]
    assert ready.json()["checks"]["postgresql"] == "ok"


def test_readyz_names_the_broker_when_it_is_down(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from config.celery import app

    monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{closed_port()}/0")
    ready = APIClient(HTTP_HOST="localhost").get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["down"] == ["broker"]


def test_healthz_needs_no_database(db: None, django_assert_num_queries: Any) -> None:
    client = APIClient(HTTP_HOST="localhost")
    client.get("/healthz")  # warm the host lookup
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200
