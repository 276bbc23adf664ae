"""#17, TEN-3: a connection is recycled after serving K schools, so no PostgreSQL backend
keeps more than K schools' catalogue caches: in loops over schools, and in a real Celery
worker running a fan-out (backends told apart by pg_backend_pid())."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from celery.result import AsyncResult
from django.db import connection

from tenants.recycling import each_school
from tenants.schema_state import school_schemas
from tenants.tasking import task_id_for
from tenants.tasks import for_each_school

PREFIX = "rec"


@pytest.fixture(scope="module")
def five_schools(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[str]]:
    """school1, school2 and three committed synthetic schools."""
    from demo.synth import municipality_synth, municipality_synth_drop

    with django_db_blocker.unblock():
        municipality_synth_drop(prefix=PREFIX)
        municipality_synth(schools=3, prefix=PREFIX, pupils=2)
        schemas = school_schemas()
    assert len(schemas) >= 5
    yield schemas
    with django_db_blocker.unblock():
        connection.close()
        municipality_synth_drop(prefix=PREFIX)


def _pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _runs(pids: list[int]) -> list[int]:
    return [len(list(group)) for _, group in itertools.groupby(pids)]


def test_each_school_recycles_the_connection_every_k_schools(
    django_db_blocker: Any, five_schools: list[str], settings: Any
) -> None:
    settings.DB_RECYCLE_AFTER_SCHOOLS = 2
    with django_db_blocker.unblock():
        connection.close()
        pids = [_pid() for _ in each_school(five_schools)]
        connection.close()
    n = len(five_schools)
    assert len(set(pids)) == (n + 1) // 2
    assert _runs(pids) == [2] * (n // 2) + [1] * (n % 2)


def test_each_school_keeps_the_connection_inside_a_transaction(
    db: None, five_schools: list[str], settings: Any
) -> None:
    settings.DB_RECYCLE_AFTER_SCHOOLS = 2
    pids = [_pid() for _ in each_school(five_schools)]
    assert len(set(pids)) == 1  # closing would break the transaction; it is left alone


@pytest.fixture
def persistent_worker_connections(django_db_blocker: Any) -> Iterator[None]:
    """As in production (CONN_MAX_AGE 60): the worker keeps its connection between tasks."""
    settings_dict = connection.settings_dict  # the dict every thread's connection shares
    before = settings_dict["CONN_MAX_AGE"]
    settings_dict["CONN_MAX_AGE"] = 600
    yield
    settings_dict["CONN_MAX_AGE"] = before


def _fan_out_pids() -> list[int]:
    parent = for_each_school.delay("tenants.connection_probe")
    sent = parent.get(timeout=30)
    results: list[dict[str, Any]] = [
        AsyncResult(task_id_for(schema=s, key=f"tenants.connection_probe:{parent.id}")).get(
            timeout=30
        )
        for s in sent
    ]
    assert [r["schema"] for r in results] == sent
    return [r["backend_pid"] for r in results]


@pytest.mark.usefixtures("persistent_worker_connections")
def test_worker_recycles_its_connection_every_k_schools_of_a_fan_out(
    django_db_blocker: Any, five_schools: list[str], celery_worker_thread: Any, settings: Any
) -> None:
    with django_db_blocker.unblock():
        settings.DB_RECYCLE_AFTER_SCHOOLS = 100
        _fan_out_pids()  # the worker's connection may have served schools before: start clean
        settings.DB_RECYCLE_AFTER_SCHOOLS = 1000
        control = _fan_out_pids()
        settings.DB_RECYCLE_AFTER_SCHOOLS = 2
        pids = _fan_out_pids()
    # Without recycling one backend serves every school; with K = 2 never more than two.
    assert len(set(control)) == 1
    runs = _runs(pids)
    assert max(runs) <= 2 and all(r == 2 for r in runs[1:-1]), runs
    assert len(set(pids)) >= (len(five_schools) + 1) // 2


@pytest.mark.usefixtures("persistent_worker_connections")
def test_web_requests_recycle_the_connection_every_k_web_schools(
    django_db_blocker: Any, five_schools: list[str], settings: Any
) -> None:
    """A web process counts the schools its connection served against
    DB_RECYCLE_AFTER_SCHOOLS_WEB (a page reads a tenth of a school's tables), not against
    the workers' K."""
    from django.test import Client

    from tenants.models import Domain

    settings.DB_RECYCLE_AFTER_SCHOOLS = 1  # the workers' K: would close after every request
    settings.DB_RECYCLE_AFTER_SCHOOLS_WEB = 3
    with django_db_blocker.unblock():
        hosts = [
            Domain.objects.get(tenant__schema_name=schema, is_primary=True).domain
            for schema in five_schools[:5]
        ]
        connection.close()
        client = Client()
        still_open = []
        for host in hosts + hosts:
            assert client.get("/readyz", HTTP_HOST=host).status_code == 200
            still_open.append(connection.connection is not None)
        connection.close()
    # Five schools twice: closed as the 3rd, 6th and 9th distinct school of a connection
    # is served (the 6th request is school 1 again, the 3rd school of the second connection).
    assert still_open == [True, True, False, True, True, False, True, True, False, True]
