"""The per-school rollup task with a real Celery worker (issue #13, TEN-3): a worker in a
subprocess on a redis-server of the test's own, against a committed school.

- Run twice (two task ids), the school's rows are the same; the same id again does nothing.
- A task for one school never writes another school's rows.
- A task without a schema header refuses and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.conftest import (
    BrokerAt,
    RedisServer,
    School,
    process_env,
    start_worker,
    stop,
    wait_for,
    wait_for_log,
)

TASK = "department.rollup_school"


@pytest.fixture
def worker(
    redis_server: RedisServer, committed_school: School, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    log = tmp_path_factory.mktemp("rollup-worker") / "worker.log"
    process: subprocess.Popen[bytes] = start_worker(process_env(redis_url=redis_server.url), log)
    wait_for_log(log, "ready.", 90)
    yield log
    stop(process, signal.SIGKILL)


def _snapshot(schema: str, blocker: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    from department.models import MonthRollup, PeriodRollup

    with blocker.unblock():
        periods = sorted(
            PeriodRollup.objects.filter(school__schema_name=schema).values_list(
                "period_key", "grade", "subject", "rules_version", *PERIOD_COUNTS
            )
        )
        months = sorted(
            MonthRollup.objects.filter(school__schema_name=schema).values_list(
                "month", "grade", "rules_version", "pupils", "pupil_lessons", "lessons"
            )
        )
    return periods, months


PERIOD_COUNTS = ("pupils", "n5", "n4", "n3", "n2", "not_attested", "exempt")


def _finished(schema: str, blocker: Any) -> Any:
    from department.models import RollupRun

    with blocker.unblock():
        run = RollupRun.objects.filter(school__schema_name=schema).first()
        return (run.status, run.finished_at) if run else None


def test_rollup_task_is_idempotent_isolated_and_refuses_without_a_school(
    committed_school: School, redis_server: RedisServer, worker: Path, django_db_blocker: Any
) -> None:
    from department.models import PeriodRollup

    from config.celery import app
    from tenants.models import School as SchoolModel
    from tenants.tasking import task_id_for

    schema = committed_school.schema
    with django_db_blocker.unblock():
        other = SchoolModel.objects.get(schema_name="school2")
        sentinel = PeriodRollup.objects.create(
            school=other, period_key="2025/2026:quarter:1", period_title="1-я четверть",
            period_starts_on="2025-09-01", period_ends_on="2025-10-26", grade=7,
            subject="Математика", rules_version=1, pupils=9, n5=9, n4=0, n3=0, n2=0,
            not_attested=0, exempt=0, passed=0, not_passed=0,
        )  # fmt: skip
    try:
        with BrokerAt(f"{redis_server.url}/0"):
            first_id = task_id_for(schema=schema, key="rollup-1")
            app.send_task(
                TASK, task_id=first_id, headers={"_schema_name": schema}, ignore_result=True
            )
            wait_for(
                lambda: (_finished(schema, django_db_blocker) or ("",))[0] == "ok", 90, "rollup"
            )
            first = _snapshot(schema, django_db_blocker)
            finished = _finished(schema, django_db_blocker)
            assert first[1], "the committed school's months are counted"

            app.send_task(
                TASK,
                task_id=task_id_for(schema=schema, key="rollup-2"),
                headers={"_schema_name": schema},
                ignore_result=True,
            )
            wait_for(lambda: _finished(schema, django_db_blocker) != finished, 90, "second run")
            assert _snapshot(schema, django_db_blocker) == first

            # The same task id redelivered: a no-op.
            app.send_task(
                TASK, task_id=first_id, headers={"_schema_name": schema}, ignore_result=True
            )
            wait_for_log(worker, "already done", 60)

        # No schema header (a producer that is not tenant-aware): the task refuses
        # (SchoolTask) and writes nothing; nor does one sent from public.
        from celery import Celery

        plain = Celery(broker=f"{redis_server.url}/0", set_as_current=False)
        # (It knows the queue by kind, issue #17, but not the school.)
        plain.send_task(TASK, task_id="rollup-without-school", ignore_result=True, queue="rollups")
        wait_for_log(worker, "rollup-without-school] raised unexpected: MissingSchemaError", 60)
        with BrokerAt(f"{redis_server.url}/0"):
            app.send_task(TASK, task_id="rollup-from-public", ignore_result=True)
        wait_for_log(worker, "rollup-from-public] raised unexpected: MissingSchemaError", 60)
        assert _snapshot(schema, django_db_blocker) == first
        with django_db_blocker.unblock():
            sentinel_now = PeriodRollup.objects.get(pk=sentinel.pk)
            assert (sentinel_now.pupils, sentinel_now.computed_at) == (9, sentinel.computed_at)
            assert PeriodRollup.objects.filter(school=other).count() == 1
            assert not PeriodRollup.objects.filter(school__schema_name="public").exists()
    finally:
        with django_db_blocker.unblock():
            from department.models import MonthRollup, RollupRun

            PeriodRollup.objects.filter(school__schema_name__in=[schema, "school2"]).delete()
            MonthRollup.objects.filter(school__schema_name=schema).delete()
            RollupRun.objects.filter(school__schema_name=schema).delete()


def test_a_closed_period_enqueues_the_rollup_through_the_outbox_once(
    committed_school: School, redis_server: RedisServer, worker: Path, django_db_blocker: Any
) -> None:
    """The daily check finds a period that ended yesterday: the outbox publishes the
    school's rollup after the commit, the worker counts it; the check run again that day
    adds no message and no run."""
    from department.models import MonthRollup, PeriodRollup, RollupRun
    from django_tenants.utils import schema_context

    from journal.rollup.closing import rollup_at_period_close
    from journal.structure.models import ReportingPeriod
    from outbox.models import OutboxMessage, TaskRun

    schema = committed_school.schema
    try:
        with django_db_blocker.unblock(), BrokerAt(f"{redis_server.url}/0"):
            with schema_context(schema):
                period = ReportingPeriod.objects.order_by("ends_on", "pk").first()
                assert period is not None
                day = period.ends_on + dt.timedelta(days=1)
                assert period in rollup_at_period_close(today=day)
            wait_for(
                lambda: (_finished(schema, django_db_blocker) or ("",))[0] == "ok", 90, "rollup"
            )
            finished = _finished(schema, django_db_blocker)
            with schema_context(schema):
                rollup_at_period_close(today=day)
                messages = list(
                    OutboxMessage.objects.filter(task=TASK).values_list("key", "sent_at")
                )
                assert [k for k, _ in messages] == [
                    f"department.rollup:periods-closed:{period.ends_on.isoformat()}"
                ]
                assert messages[0][1] is not None  # published
                from tenants.tasking import task_id_for

                task_id = task_id_for(schema=schema, key=messages[0][0])
                assert TaskRun.objects.filter(key=f"{TASK}:{task_id}").count() == 1
            assert _finished(schema, django_db_blocker) == finished
    finally:
        with django_db_blocker.unblock():
            with schema_context(schema):
                OutboxMessage.objects.filter(task=TASK).delete()
            PeriodRollup.objects.filter(school__schema_name=schema).delete()
            MonthRollup.objects.filter(school__schema_name=schema).delete()
            RollupRun.objects.filter(school__schema_name=schema).delete()
