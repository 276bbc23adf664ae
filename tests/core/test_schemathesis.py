"""The API contract is true (issue #11): schemathesis generates requests from each host's own
OpenAPI schema and sends them through the WSGI application; no answer is a server error,
every answer's status is documented and its body matches the documented schema.

School host: school1's schema, as its director (a DRF token) over the access-matrix world.
Public host: the public schema, as the operator. Generation is bounded (a few examples per
operation) and derandomized, so every run sends the same requests and passes or fails alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.world import World, build_world

EXAMPLES_PER_OPERATION = 4
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def world(school1: Any) -> World:
    with schema_context("school1"):
        return build_world()


@contextmanager
def connection_kept() -> Iterator[None]:
    """Requests through the real WSGI handler stay in the test's transaction: as Django's
    own test client does, they do not close the connection at start and end."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def wsgi_app() -> WSGIHandler:
    return WSGIHandler()


def load_schema(host: str, app: WSGIHandler) -> Any:
    response = APIClient(HTTP_HOST=host).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:300]
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app = app
    return schema


def run_operations(schema: Any, host: str, token: str) -> tuple[int, Counter[int], dict[str, str]]:
    """Every operation with a bounded, deterministic set of generated cases; returns the
    number of operations, the answers by class (200, 400...) and the failures."""
    headers = {"Host": host, "Authorization": f"Token {token}"}
    statuses: Counter[int] = Counter()
    operations = 0
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code // 100 * 100] += 1

        try:
            with connection_kept():
                check()
        except Exception as exc:
            failures[operation.label] = str(exc)[:1500]
    return operations, statuses, failures


def test_school_host_api_keeps_its_contract(
    world: World, wsgi_app: WSGIHandler, capsys: Any
) -> None:
    with schema_context("school1"):
        token = Token.objects.create(user=world.users["director"]).key
    schema = load_schema("school1.localhost", wsgi_app)
    operations, statuses, failures = run_operations(schema, "school1.localhost", token)
    with capsys.disabled():
        print(f"\nschemathesis, school host: {operations} operations, {statuses.total()} cases")
        print(f"answers: {dict(sorted(statuses.items()))}")
    assert operations >= 50
    assert statuses[200] >= 20  # the requests did reach the school as its director
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())


def test_public_host_api_keeps_its_contract(
    operator: Any, school1: Any, wsgi_app: WSGIHandler, capsys: Any
) -> None:
    token = Token.objects.create(user=operator).key
    schema = load_schema("localhost", wsgi_app)
    operations, statuses, failures = run_operations(schema, "localhost", token)
    with capsys.disabled():
        print(f"\nschemathesis, public host: {operations} operations, {statuses.total()} cases")
        print(f"answers: {dict(sorted(statuses.items()))}")
    assert operations >= 20
    assert statuses[200] >= 10  # the requests did reach the catalogue as the operator
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
