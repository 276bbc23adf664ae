"""Real processes for the reliability tests: a redis-server of the test's own, gunicorn and
Celery workers in subprocesses, a TCP proxy in front of PostgreSQL, and a committed school.

Everything here sees only committed rows (other processes), so the school is created outside
any test transaction and dropped at the end of the module that asked for it.

The process kit itself (ports, waiting, stopping, redis-server, gunicorn, the proxy) is
infra/procs.py, shared with tests/deploy and the benches; the names the test modules import
from here stay here.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.procs import ROOT as REPO
from infra.procs import (
    VENV_BIN,
    Gunicorn,
    RedisServer,
    TcpProxy,
    celery_worker_command,
    free_port,
    postgres_target,
    service_env,
    start,
    stop,
    wait_for,
    wait_for_log,
)

__all__ = [
    "ALL_QUEUES",
    "HOST",
    "REPO",
    "VENV_BIN",
    "BrokerAt",
    "Gunicorn",
    "RedisServer",
    "School",
    "TcpProxy",
    "free_port",
    "process_env",
    "start_gunicorn",
    "start_worker",
    "stop",
    "wait_for",
    "wait_for_log",
]

SLUG = "reliab"
HOST = f"{SLUG}.localhost"
# The worker of infra/demo.py consumes every kind's queue (issue #17).
ALL_QUEUES = "reports,notifications,rollups,archive,default"


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def pg_proxy(django_db_setup: None) -> Iterator[TcpProxy]:
    """A cuttable proxy in front of the suite's PostgreSQL, whether DATABASE_URL names the
    embedded server's Unix socket folder or a TCP host:port."""
    from django.db import connection

    proxy = TcpProxy(postgres_target(connection.settings_dict))
    yield proxy
    proxy.close()


# ------------------------------------------------------------------------ committed school


@dataclass
class School:
    schema: str
    host: str
    world: Any
    token: str
    lesson_id: int
    pupil_ids: list[int]


@pytest.fixture(scope="module")
def committed_school(django_db_setup: None, django_db_blocker: Any) -> Iterator[School]:
    """The journal's small school year in a school of its own, committed; with the
    teacher's API token. Dropped at the end of the module."""
    from django_tenants.utils import schema_context
    from rest_framework.authtoken.models import Token

    from core.tenancy import db
    from tenants.models import School as SchoolModel
    from tenants.services import school_create
    from tests.world import build_world

    def drop() -> None:
        db.set_schema_to_public()
        for school in SchoolModel.objects.filter(slug=SLUG):
            school.delete(force_drop=True)  # type: ignore[call-arg]

    with django_db_blocker.unblock():
        drop()
        created = school_create(
            slug=SLUG,
            name="МБОУ «Школа надёжности»",
            short_name="Школа-тест",
            inn="3662010013",
            admin_email=f"director@{SLUG}.example",
        )
        schema = created.school.schema_name
        with schema_context(schema):
            world = build_world()
            token = Token.objects.create(user=world.users["teacher"]).key
        db.set_schema_to_public()
    yield School(
        schema=schema,
        host=HOST,
        world=world,
        token=token,
        lesson_id=world.lesson_today.pk,
        pupil_ids=[p.pk for p in world.pupils],
    )
    with django_db_blocker.unblock():
        from django.db import connection

        connection.close()  # the test may have left this thread's connection cut
        with connection.cursor() as cursor:  # gunicorn/worker connections, if any are left
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        drop()


# ------------------------------------------------------------------------ subprocesses


def process_env(
    *,
    redis_url: str,
    db_host: str | None = None,
    db_port: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a gunicorn or worker subprocess: the test DB, the test's Redis."""
    from django.db import connection
    from django.utils import timezone

    env = service_env(
        settings="tests.reliability.proc_settings",
        redis_url=redis_url,
        cache_url=redis_url,
        EDUJOURNAL_TEST_DB=str(connection.settings_dict["NAME"]),
        EDUJOURNAL_TEST_NOW=timezone.now().isoformat(),
    )
    if db_host:
        env["EDUJOURNAL_TEST_DB_HOST"] = db_host
        env["EDUJOURNAL_TEST_DB_PORT"] = str(db_port or "")
    env.update(extra or {})
    return env


def start_gunicorn(env: dict[str, str], log: Path, workers: int = 2, threads: int = 4) -> Gunicorn:
    """gunicorn for the reliability school's host, with an access log; stopped if it does
    not come up."""
    from infra.procs import start_gunicorn as start_server

    options = ["--workers", str(workers), "--threads", str(threads), "--timeout", "30"]
    options += ["--graceful-timeout", "3", "--access-logfile", "-"]
    return start_server(env, log, options, host=HOST)


def start_worker(
    env: dict[str, str], log: Path, *, queues: str = ALL_QUEUES
) -> subprocess.Popen[bytes]:
    """One solo Celery worker process (no heartbeat: the tests kill and restart workers)."""
    options = ("--pool", "solo", "--concurrency", "1", "--without-heartbeat")
    return start(celery_worker_command(queues, *options), env, log)


# ------------------------------------------------------------------------ the producer side


class BrokerAt:
    """Point this process's Celery producer at another broker (and back)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _reset(self) -> None:
        from config.celery import app

        app._pool = None
        try:
            app.__dict__["amqp"]._producer_pool = None
        except KeyError:
            pass

    def __enter__(self) -> BrokerAt:
        from config.celery import app

        self.previous = app.conf.broker_url
        app.conf.broker_url = self.url
        self._reset()
        return self

    def __exit__(self, *exc: object) -> None:
        from config.celery import app

        app.conf.broker_url = self.previous
        self._reset()
