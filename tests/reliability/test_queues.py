"""Queues by kind and per-school fairness (issue #17; TEN-3, AVL-1).

Routing is checked over the real task registry, so a task added without a route fails
here. Fairness is checked with the project's real worker (a `celery worker` process) on a
redis-server of the test's own: one school floods the queue, another's single task is
served next.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.conftest import (
    ALL_QUEUES,
    REPO,
    BrokerAt,
    RedisServer,
    process_env,
    start_worker,
    stop,
    wait_for,
    wait_for_log,
)

# The kinds named in the issue, and what each must hold (a sample of each).
KINDS = {
    "reports": {"reports.job_run"},
    "notifications": {"messaging.urgent_send", "messaging.digest_deliver"},
    "rollups": {"department.rollup_school", "department.rollup_fan_out"},
    "archive": {"archive.scan", "archive.period", "archive.patrol"},
    "default": {"tenants.for_each_school", "outbox.relay"},
}


def _registered_tasks() -> list[str]:
    from config.celery import app

    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def test_every_registered_task_is_routed_to_its_kinds_queue() -> None:
    from django.conf import settings

    from config.celery import app

    names = _registered_tasks()
    assert len(names) >= 20  # the registry is really loaded
    unrouted = [name for name in names if name not in settings.CELERY_TASK_ROUTES]
    assert unrouted == [], f"tasks without a queue in CELERY_TASK_ROUTES: {unrouted}"
    assert settings.CELERY_QUEUE_NAMES == [
        "reports",
        "notifications",
        "rollups",
        "archive",
        "default",
    ]
    for name in names:
        queue = app.amqp.router.route({}, name)["queue"].name
        assert queue == settings.CELERY_TASK_ROUTES[name]["queue"], name
        assert queue in settings.CELERY_QUEUE_NAMES, name
    for kind, sample in KINDS.items():
        for name in sample:
            assert app.amqp.router.route({}, name)["queue"].name == kind, name
    # No stale routes for tasks that no longer exist.
    assert sorted(settings.CELERY_TASK_ROUTES) == names


def test_demo_and_test_workers_consume_every_queue() -> None:
    from django.conf import settings

    demo = (REPO / "infra" / "demo.py").read_text()
    consumed = [q for arg in re.findall(r'"--queues",\s*"([^"]+)"', demo) for q in arg.split(",")]
    assert sorted(consumed) == sorted(settings.CELERY_QUEUE_NAMES)
    assert len(consumed) == len(set(consumed))  # each kind has one worker pool
    assert sorted(ALL_QUEUES.split(",")) == sorted(settings.CELERY_QUEUE_NAMES)


def test_priority_level_grows_with_the_schools_backlog() -> None:
    from tenants.fairness import level_for

    assert [level_for(n) for n in (0, 1, 2, 3, 4, 7, 8, 255, 256, 5000)] == [
        0,
        1,
        2,
        2,
        3,
        3,
        4,
        8,
        9,
        9,
    ]


def _inn(nine: str) -> str:
    from tenants.services import INN_WEIGHTS_10

    digits = [int(c) for c in nine]
    check = sum(w * d for w, d in zip(INN_WEIGHTS_10, digits, strict=False)) % 11 % 10
    return nine + str(check)


@pytest.fixture(scope="module")
def two_schools(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[str, str]]:
    """Two committed schools (no journal: the probe task only counts users)."""
    from core.tenancy import db
    from tenants.models import School
    from tenants.services import school_create

    slugs = ("fairflood", "fairquiet")

    def drop() -> None:
        db.set_schema_to_public()
        for school in School.objects.filter(slug__in=slugs):
            school.delete(force_drop=True)  # type: ignore[call-arg]

    with django_db_blocker.unblock():
        drop()
        schemas = tuple(
            school_create(
                slug=slug,
                name=f"МБОУ «{slug}»",
                short_name=slug,
                inn=_inn(f"36620177{i}"),
                admin_email=f"director@{slug}.example",
            ).school.schema_name
            for i, slug in enumerate(slugs)
        )
        db.set_schema_to_public()
    yield schemas[0], schemas[1]
    with django_db_blocker.unblock():
        from django.db import connection

        with connection.cursor() as cursor:  # the worker's connection, if left
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        drop()


def _succeeded(log: Path) -> list[str]:
    """Task ids in the order the worker finished them."""
    text = log.read_text(errors="replace")
    return re.findall(r"Task tenants\.school_probe\[([0-9a-f-]+)\] succeeded", text)


def test_one_schools_flood_does_not_delay_anothers_task(
    two_schools: tuple[str, str],
    redis_server: RedisServer,
    tmp_path: Path,
) -> None:
    """School A enqueues 300 tasks, then school B one: the worker (started after both, so
    the order is the broker's alone) serves B's task second, not 301st; every task runs,
    and the schools' waiting-counts drain to nothing."""
    import redis

    from config.celery import app
    from tenants.fairness import counter_key

    flood, quiet = two_schools
    broker = f"{redis_server.url}/0"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    flood_ids = [str(uuid.uuid4()) for _ in range(300)]
    quiet_id = str(uuid.uuid4())
    with BrokerAt(broker):
        for task_id in flood_ids:
            app.send_task(
                "tenants.school_probe",
                headers={"_schema_name": flood},
                task_id=task_id,
                ignore_result=True,
            )
        app.send_task(
            "tenants.school_probe",
            headers={"_schema_name": quiet},
            task_id=quiet_id,
            ignore_result=True,
        )
    assert int(client.get(counter_key("default", flood)) or 0) == 300
    assert int(client.get(counter_key("default", quiet)) or 0) == 1
    # The flood is spread over the levels; the quiet school's task waits at level 0 with
    # only the flood's first.
    assert client.llen("default") == 2
    assert client.llen("default\x06\x169") == 300 - 256

    log = tmp_path / "worker.log"
    worker = start_worker(process_env(redis_url=redis_server.url), log)
    try:
        wait_for(lambda: log.exists() and quiet_id in "".join(_succeeded(log)), 120, "B's task")
        done = _succeeded(log)
        assert done.index(quiet_id) <= 1, f"B's task finished {done.index(quiet_id) + 1}th"
        wait_for(lambda: len(_succeeded(log)) == 301, 180, "all 301 tasks")
        assert set(_succeeded(log)) == {*flood_ids, quiet_id}
    finally:
        stop(worker)
    assert client.get(counter_key("default", flood)) is None
    assert client.get(counter_key("default", quiet)) is None


def test_the_worker_of_a_kind_leaves_other_kinds_queues_alone(
    two_schools: tuple[str, str],
    redis_server: RedisServer,
    tmp_path: Path,
) -> None:
    """A rollups/archive worker does not take the default queue's work, and a task routed
    to `reports` lands in the `reports` list of the broker."""
    import redis

    from config.celery import app

    flood, _ = two_schools
    broker = f"{redis_server.url}/0"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    probe = str(uuid.uuid4())
    with BrokerAt(broker):
        app.send_task("reports.job_run", args=[0], headers={"_schema_name": flood}, task_id="r1")
        app.send_task("tenants.school_probe", headers={"_schema_name": flood}, task_id=probe)
    assert client.llen("reports") == 1
    assert client.llen("default") == 1

    log = tmp_path / "batch.log"
    worker = start_worker(process_env(redis_url=redis_server.url), log, queues="rollups,archive")
    try:
        wait_for_log(log, "ready.", 90)
        with BrokerAt(broker):  # a rollup sent from public: the worker takes it and refuses
            app.send_task("department.rollup_school", task_id="rollup-marker")
        wait_for_log(log, "rollup-marker] raised unexpected: MissingSchemaError", 60)
        assert client.llen("default") == 1  # still waiting: not this worker's kind
        assert client.llen("reports") == 1
    finally:
        stop(worker)
    client.flushdb()
