"""Test harness: real PostgreSQL and Redis, the test schools cloned once per session.

Each test runs in a transaction that is rolled back (pytest-django's `db`), including
schemas it creates. Host-aware clients send the `Host` header of the site they talk to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from rest_framework.test import APIClient

from core.tenancy import db as tenant_db
from tests.world import school2_director, school_day, world  # noqa: F401 - the one world

SCHOOLS = {
    "school1": {
        "name": "МБОУ «Средняя общеобразовательная школа № 1»",
        "short_name": "СОШ № 1",
        "inn": "7707083893",
    },
    "school2": {"name": "МБОУ «Гимназия № 2»", "short_name": "Гимназия № 2", "inn": "7728168971"},
}


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment: None, django_db_blocker: Any) -> Iterator[None]:
    from django.test.utils import setup_databases, teardown_databases

    from tenants.services import school_create

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, keepdb=False)
        call_command("platform_migrate", verbosity=0)
        for slug, fields in SCHOOLS.items():
            school_create(slug=slug, admin_email=f"admin@{slug}.example", **fields)
        tenant_db.set_schema_to_public()
        cache.clear()
    yield
    with django_db_blocker.unblock():
        # A fault test may have cut this process's connection, and a process or thread a
        # test started may still hold one: start clean and end the others, so the test
        # database can always be dropped.
        connections.close_all()
        tenant_db.set_schema_to_public()
        _end_other_sessions()
        teardown_databases(config, verbosity=0)


def _end_other_sessions() -> None:
    from django.conf import settings

    name = settings.DATABASES["default"]["TEST"]["NAME"]
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )


@pytest.fixture(autouse=True)
def _back_to_public_and_cold_cache() -> Iterator[None]:
    """Every test starts in public; nothing a test cached survives its rollback."""
    tenant_db.set_schema_to_public()
    yield
    tenant_db.set_schema_to_public()
    cache.clear()


@pytest.fixture
def school1(db: None) -> Any:
    from tenants.models import School

    return School.objects.get(schema_name="school1")


@pytest.fixture
def school2(db: None) -> Any:
    from tenants.models import School

    return School.objects.get(schema_name="school2")


def host_client(host: str) -> APIClient:
    return APIClient(HTTP_HOST=host)


@pytest.fixture
def public_client(db: None) -> APIClient:
    return host_client("localhost")


@pytest.fixture
def operator(db: None) -> Any:
    """alice: the municipal operator (public schema)."""
    from django.contrib.auth.models import Group

    from accounts.models import User

    tenant_db.set_schema_to_public()
    user = User.objects.create_user("alice", password="x-operator-pass-1")
    user.groups.add(Group.objects.get(name="operator"))
    return user


@pytest.fixture
def department_user(db: None) -> Any:
    """dora: the education department (public schema), reads aggregates only."""
    from django.contrib.auth.models import Group

    from accounts.models import User

    tenant_db.set_schema_to_public()
    user = User.objects.create_user("dora", password="x-department-pass-1")
    user.groups.add(Group.objects.get(name="department"))
    return user


@pytest.fixture
def operator_client(public_client: APIClient, operator: Any) -> APIClient:
    public_client.force_authenticate(operator)
    return public_client


@pytest.fixture(scope="session")
def celery_worker_thread(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """A real Celery worker (solo pool, in a thread) on the real Redis broker.

    It has its own database connection, so it sees only committed rows.
    """
    from celery.contrib.testing.worker import start_worker

    import tenants.tasks  # noqa: F401 - register the tasks before the worker starts
    from config.celery import app

    with django_db_blocker.unblock():
        app.control.purge()
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            shutdown_timeout=10,
            loglevel="WARNING",
        ) as worker:
            yield worker
