"""Tasks that cannot do their work twice (issue #11): real Celery workers in subprocesses on
a redis-server of the test's own, SIGKILLed at the worst moment.

- A worker killed after its task committed and before the ack: Redis redelivers the task
  (visibility timeout, set to 3 s here) to the next worker, which finds the task's TaskRun
  row and does nothing. The audit row exists exactly once.
- Work requested in a transaction while the broker is down stays in the outbox and runs
  once when the relay publishes it after the broker is back; relaying again is harmless.
- Queued tasks survive a SIGKILL of Redis (AOF persistence).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

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

AUDIT = "billing_free_check.audit_school"


def audits(school: School, django_db_blocker: Any) -> int:
    from billing_free_check.models import SchoolAudit

    with django_db_blocker.unblock():
        return SchoolAudit.objects.filter(school__schema_name=school.schema).count()


def task_runs(school: School, django_db_blocker: Any, key: str) -> int:
    from outbox.models import TaskRun

    with django_db_blocker.unblock(), schema_context(school.schema):
        return TaskRun.objects.filter(key=key).count()


@pytest.fixture
def workers(
    redis_server: RedisServer, committed_school: School, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """Starts workers on demand; stops every one at the end of the test, so that a worker
    of an earlier test does not take (and log) this test's tasks."""
    started: list[subprocess.Popen[bytes]] = []
    folder = tmp_path_factory.mktemp("workers")

    def start(name: str, **extra: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = folder / f"{name}.log"
        env = process_env(
            redis_url=redis_server.url, extra={"EDUJOURNAL_VISIBILITY_TIMEOUT": "3", **extra}
        )
        process = start_worker(env, log)
        started.append(process)
        wait_for_log(log, "ready.", 90)
        return process, log

    yield {"start": start}
    for process in started:
        stop(process, signal.SIGKILL)


def test_task_killed_after_commit_before_ack_has_its_effect_once(
    committed_school: School, redis_server: RedisServer, workers: Any, django_db_blocker: Any
) -> None:
    from config.celery import app
    from tenants.tasking import task_id_for

    before = audits(committed_school, django_db_blocker)
    slow, slow_log = workers["start"]("slow", EDUJOURNAL_TASK_PAUSE_AFTER_COMMIT="60")
    task_id = task_id_for(schema=committed_school.schema, key="kill-test")
    with BrokerAt(f"{redis_server.url}/0"):
        app.send_task(
            AUDIT,
            task_id=task_id,
            headers={"_schema_name": committed_school.schema},
            ignore_result=True,
        )
    # The effect is committed and the worker sleeps before its ack: kill it now.
    wait_for(lambda: audits(committed_school, django_db_blocker) == before + 1, 60, "the audit")
    wait_for_log(slow_log, "pausing", 10)
    os.killpg(slow.pid, signal.SIGKILL)
    slow.wait(10)
    assert task_runs(committed_school, django_db_blocker, f"{AUDIT}:{task_id}") == 1

    # The next worker gets the unacknowledged task back from Redis and runs it: a no-op.
    _, log = workers["start"]("after-kill")
    wait_for_log(log, f"{AUDIT}[{task_id}] received", 60)
    wait_for_log(log, "already done", 30)
    assert audits(committed_school, django_db_blocker) == before + 1
    assert task_runs(committed_school, django_db_blocker, f"{AUDIT}:{task_id}") == 1


def test_work_enqueued_while_the_broker_is_down_runs_once_when_it_is_back(
    committed_school: School, redis_server: RedisServer, workers: Any, django_db_blocker: Any
) -> None:
    from config.celery import app
    from outbox.models import OutboxMessage
    from outbox.services import outbox_enqueue

    _, log = workers["start"]("relay")
    before = audits(committed_school, django_db_blocker)
    redis_server.kill()
    with BrokerAt(f"{redis_server.url}/0"), django_db_blocker.unblock():
        with schema_context(committed_school.schema):
            started = time.monotonic()
            with transaction.atomic():
                outbox_enqueue(task=AUDIT, key="audit-during-outage")
            elapsed = time.monotonic() - started  # commit + the failed immediate send
            message = OutboxMessage.objects.get(key="audit-during-outage")
        assert message.sent_at is None
        assert message.attempts == 1 and message.last_error
        assert elapsed < 5  # a dead broker does not hold the committing request

        redis_server.start()  # same port, its AOF replayed; the worker reconnects by itself
        app.send_task(
            "outbox.relay", headers={"_schema_name": committed_school.schema}, ignore_result=True
        )
        wait_for(lambda: audits(committed_school, django_db_blocker) == before + 1, 60, "relay")
        with schema_context(committed_school.schema):
            message.refresh_from_db()
            assert message.sent_at is not None
            # A relay that published but died before marking the row sent publishes again:
            # the same task id, so the task itself does nothing the second time.
            OutboxMessage.objects.filter(pk=message.pk).update(sent_at=None)
        app.send_task(
            "outbox.relay", headers={"_schema_name": committed_school.schema}, ignore_result=True
        )
        wait_for_log(log, "already done", 60)
    assert audits(committed_school, django_db_blocker) == before + 1


def test_queued_task_survives_a_redis_kill(
    committed_school: School, redis_server: RedisServer
) -> None:
    """AOF: a task published while no worker consumes is still queued after SIGKILL."""
    import redis

    from config.celery import app

    with BrokerAt(f"{redis_server.url}/0"):
        # Another queue than the running workers': this message waits, untouched.
        app.send_task(
            "tenants.school_probe",
            headers={"_schema_name": committed_school.schema},
            queue="aof-check",
            ignore_result=True,
        )
    client = redis.Redis.from_url(f"{redis_server.url}/0")
    assert client.llen("aof-check") == 1
    time.sleep(1.5)  # appendfsync everysec
    redis_server.kill()
    redis_server.start()
    client = redis.Redis.from_url(f"{redis_server.url}/0")
    assert client.llen("aof-check") == 1
    client.delete("aof-check")
