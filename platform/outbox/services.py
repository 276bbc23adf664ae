"""Transactional outbox and run-once tasks (issue #11).

- `outbox_enqueue(task=..., kwargs=..., key=...)` inside the caller's transaction stores the
  request for work; after commit it is published at once (best effort), and the relay
  (`outbox.relay` every minute in each school, `outbox.relay_public` in public) publishes
  whatever is still unsent -- e.g. everything enqueued while Redis was down.
- Delivery is at least once (a message published just before a crash is published again);
  the task id is derived from the key, and `task_once` makes the second delivery a no-op.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.tenancy import db
from outbox.models import OutboxMessage, TaskRun
from tenants.tasking import task_id_for

logger = logging.getLogger(__name__)
KEEP_SENT = dt.timedelta(days=7)
# Longer than any redelivery can come (the broker's visibility timeout is an hour).
KEEP_TASK_RUNS = dt.timedelta(days=7)


def outbox_enqueue(*, task: str, kwargs: dict[str, Any] | None = None, key: str) -> OutboxMessage:
    """Ask for `task(**kwargs)` once the caller's transaction commits; idempotent per key."""
    if not connection.in_atomic_block:
        raise RuntimeError("outbox_enqueue belongs inside the transaction that needs the work")
    message, _ = OutboxMessage.objects.get_or_create(
        key=key, defaults={"task": task, "kwargs": kwargs or {}}
    )
    schema = db.schema_name
    transaction.on_commit(lambda: _send_after_commit(schema, message.pk))
    return message


def _send_after_commit(schema: str, message_id: int) -> None:
    """Publish right away; if the broker is down the row waits for the relay. Never raises:
    the caller's transaction is already committed and its answer must not become an error."""
    from django_tenants.utils import schema_context

    try:
        with schema_context(schema):
            outbox_relay(message_ids=[message_id])
    except Exception:
        logger.warning("outbox: immediate send failed; the relay will retry", exc_info=True)


def _publish(message: OutboxMessage, schema: str) -> None:
    from celery import current_app  # the project's app (config.celery), set at start-up

    current_app.send_task(
        message.task,
        kwargs=message.kwargs,
        task_id=task_id_for(schema=schema, key=message.key),
        headers={"_schema_name": schema},
        ignore_result=True,
        retry=False,
    )


def outbox_relay(*, message_ids: list[int] | None = None, limit: int = 200) -> int:
    """Publish this schema's unsent messages (oldest first); returns how many were sent.

    Rows are locked while they are published (`SKIP LOCKED`: two relays never send the
    same row at once). The first broker failure stops the round: the rest wait for the
    next one.
    """
    schema = db.schema_name
    sent = 0
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            sent_at__isnull=True
        )
        if message_ids is not None:
            rows = rows.filter(pk__in=message_ids)
        for message in rows.order_by("created_at", "pk")[:limit]:
            try:
                _publish(message, schema)
            except Exception as exc:
                message.attempts += 1
                message.last_error = f"{type(exc).__name__}: {exc}"[:300]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("outbox: broker unavailable (%s)", type(exc).__name__)
                break
            message.sent_at = timezone.now()
            message.attempts += 1
            message.last_error = ""
            message.save(update_fields=["sent_at", "attempts", "last_error"])
            sent += 1
    return sent


@transaction.atomic
def outbox_purge() -> int:
    """Forget sent messages and task runs past their keeping time."""
    now = timezone.now()
    sent, _ = OutboxMessage.objects.filter(
        sent_at__isnull=False, sent_at__lt=now - KEEP_SENT
    ).delete()
    runs, _ = TaskRun.objects.filter(done_at__lt=now - KEEP_TASK_RUNS).delete()
    return sent + runs


def task_run_claim(*, key: str, task: str) -> bool:
    """Record that `key` is being done, in the caller's transaction; False if it was done.

    A concurrent duplicate blocks on the unique index until the first commits, then sees
    the row (False) -- or, if the first rolled back, claims it (True).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("task_run_claim belongs inside the transaction of the effect")
    try:
        with transaction.atomic():
            TaskRun.objects.create(key=key, task=task)
    except IntegrityError:
        return False
    return True


@contextmanager
def task_once(task: Any) -> Iterator[bool]:
    """Run a task's effect once per task id, whatever the broker redelivers.

        with task_once(self) as first:
            if not first:
                return
            ...the effect, in the same transaction as the TaskRun row...

    `TASK_PAUSE_AFTER_COMMIT_SECONDS` (fault-injection for the tests only, unset in every
    real setting) sleeps after the commit and before the ack.
    """
    task_id = getattr(task.request, "id", None) or str(uuid.uuid4())
    with transaction.atomic():
        first = task_run_claim(key=f"{task.name}:{task_id}", task=task.name)
        yield first
    pause = float(getattr(settings, "TASK_PAUSE_AFTER_COMMIT_SECONDS", 0) or 0)
    if first and pause:
        logger.warning("task %s committed; pausing %.1f s before the ack", task_id, pause)
        time.sleep(pause)
