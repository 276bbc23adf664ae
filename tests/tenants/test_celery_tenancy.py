"""TEN-3: background tasks run inside their own school, and never without one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django_tenants.utils import schema_context

from accounts.models import User
from tenants.tasks import for_each_school, school_probe


@pytest.fixture(scope="module")
def committed_user_in_school1(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A committed row, visible to the worker's own connection; removed afterwards."""
    with django_db_blocker.unblock(), schema_context("school1"):
        User.objects.create_user("celery_marker", password="x-long-pass-1")
    yield
    with django_db_blocker.unblock(), schema_context("school1"):
        User.objects.filter(username="celery_marker").delete()


pytestmark = pytest.mark.usefixtures("committed_user_in_school1")


def test_task_sees_its_own_schema(db: None, celery_worker_thread: Any) -> None:
    one = school_probe.apply_async(headers={"_schema_name": "school1"}).get(timeout=20)
    two = school_probe.apply_async(headers={"_schema_name": "school2"}).get(timeout=20)
    assert one == {"schema": "school1", "users": 2}  # admin + the committed marker
    assert two == {"schema": "school2", "users": 1}  # only its own admin


def test_task_sent_from_inside_a_school_carries_that_school(
    db: None, celery_worker_thread: Any
) -> None:
    with schema_context("school2"):
        result = school_probe.delay()
    assert result.get(timeout=20)["schema"] == "school2"


def test_task_without_schema_header_fails(db: None, celery_worker_thread: Any) -> None:
    """A producer that is not tenant-aware sends no header: the task must not run in public."""
    plain = Celery(
        broker=settings.CELERY_BROKER_URL,
        backend=settings.CELERY_RESULT_BACKEND,
        set_as_current=False,
    )
    # It knows the task's queue (by kind, issue #17) but not the school.
    result = plain.send_task("tenants.school_probe", queue="default")
    with pytest.raises(Exception, match="no _schema_name header") as excinfo:
        result.get(timeout=20)
    assert type(excinfo.value).__name__ == "MissingSchemaError"
    assert result.state == "FAILURE"


def test_school_task_sent_from_public_fails(db: None, celery_worker_thread: Any) -> None:
    result = school_probe.delay()  # the connection is on public here
    with pytest.raises(Exception, match="sent from public"):
        result.get(timeout=20)


def test_fan_out_reaches_every_active_school(db: None, celery_worker_thread: Any) -> None:
    sent = for_each_school.delay("tenants.school_probe").get(timeout=20)
    assert sent == ["school1", "school2"]


def test_platform_task_refuses_a_school_header(db: None, celery_worker_thread: Any) -> None:
    result = for_each_school.apply_async(
        args=["tenants.school_probe"], headers={"_schema_name": "school1"}
    )
    with pytest.raises(Exception, match="platform task"):
        result.get(timeout=20)
