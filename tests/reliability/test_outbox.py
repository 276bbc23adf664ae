"""The outbox and run-once tasks, in-process (the worker-level proofs are in
test_tasks_once.py): what is enqueued where, and what a second delivery does."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django_tenants.utils import schema_context

from billing_free_check.models import SchoolAudit
from billing_free_check.tasks import audit_school
from outbox.models import OutboxMessage, TaskRun
from outbox.services import outbox_enqueue, outbox_relay
from tenants.tasking import task_id_for
from tenants.tasks import for_each_school
from tests.reliability.conftest import BrokerAt, free_port


def test_enqueue_belongs_inside_a_transaction(school1: Any) -> None:
    with schema_context("school1"):
        with mock.patch("outbox.services.connection") as fake:
            fake.in_atomic_block = False
            with pytest.raises(RuntimeError, match="inside the transaction"):
                outbox_enqueue(task="tenants.school_probe", key="k")


def test_broker_down_at_commit_leaves_the_message_for_the_relay(
    school1: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        schema_context("school1"),
        BrokerAt(f"redis://127.0.0.1:{free_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox_enqueue(task="tenants.school_probe", key="probe-1")
        outbox_enqueue(task="tenants.school_probe", key="probe-1")  # the same work: one row
    with schema_context("school1"):
        message = OutboxMessage.objects.get(key="probe-1")
        assert message.sent_at is None
        assert message.attempts == 2  # each after-commit attempt failed and said why
        assert "OperationalError" in message.last_error
        published: list[dict[str, Any]] = []
        with mock.patch(
            "config.celery.app.send_task", side_effect=lambda *a, **kw: published.append(kw)
        ):
            assert outbox_relay() == 1
            assert outbox_relay() == 0  # sent rows are not sent again
        message.refresh_from_db()
        assert message.sent_at is not None
    assert published[0]["task_id"] == task_id_for(schema="school1", key="probe-1")
    assert published[0]["headers"] == {"_schema_name": "school1"}


def test_a_redelivered_task_does_nothing(school1: Any) -> None:
    first = audit_school.apply(task_id="same-id", headers={"_schema_name": "school1"}).get()
    again = audit_school.apply(task_id="same-id", headers={"_schema_name": "school1"}).get()
    other = audit_school.apply(task_id="other-id", headers={"_schema_name": "school1"}).get()
    assert first["ok"] is True and other["ok"] is True
    assert again == {"skipped": "already done", "task_id": "same-id"}
    assert SchoolAudit.objects.filter(school=school1).count() == 2
    with schema_context("school1"):
        assert TaskRun.objects.filter(task="billing_free_check.audit_school").count() == 2


def test_a_failed_task_leaves_no_run_so_the_retry_does_the_work(school1: Any) -> None:
    with mock.patch(
        "billing_free_check.services.school_audit_record", side_effect=RuntimeError("boom")
    ):
        failed = audit_school.apply(task_id="flaky", headers={"_schema_name": "school1"})
    assert failed.state == "FAILURE"
    retried = audit_school.apply(task_id="flaky", headers={"_schema_name": "school1"}).get()
    assert retried["ok"] is True
    assert SchoolAudit.objects.filter(school=school1).count() == 1


def test_fan_out_derives_each_schools_task_id_from_its_own(school1: Any, school2: Any) -> None:
    sent: list[tuple[str, str]] = []

    def record(name: str, **options: Any) -> None:
        sent.append((options["headers"]["_schema_name"], options["task_id"]))

    with mock.patch("celery.current_app.send_task", side_effect=record):
        for _ in range(2):  # the same fan-out delivered twice
            for_each_school.apply(
                args=["billing_free_check.audit_school"],
                task_id="fan-1",
                headers={"_schema_name": "public"},
            ).get()
    assert sent[:2] == sent[2:]
    assert [schema for schema, _ in sent[:2]] == ["school1", "school2"]
    assert len({task_id for _, task_id in sent[:2]}) == 2


def test_outbox_tables_exist_in_a_freshly_cloned_school(school1: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_name IN ('outbox_outboxmessage', 'outbox_taskrun', "
            "'idempotency_idempotencyrecord') AND table_schema IN ('school1', 'public')"
        )
        found = set(cursor.fetchall())
    assert found == {
        (schema, table)
        for schema in ("school1", "public")
        for table in ("outbox_outboxmessage", "outbox_taskrun", "idempotency_idempotencyrecord")
    }
