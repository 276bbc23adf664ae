"""Per-school tasks and the fan-out that sends them to every active school."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from core.tenancy import db
from tenants.tasking import PlatformTask, SchoolTask


@shared_task(base=SchoolTask, name="tenants.school_probe")
def school_probe() -> dict[str, Any]:
    """What a worker sees inside one school: its schema and how many users it has.

    Used by readiness checks of the workers and by the tenancy tests.
    """
    from accounts.models import User

    return {"schema": db.schema_name, "users": User.objects.count()}


@shared_task(base=PlatformTask, bind=True, name="tenants.for_each_school")
def for_each_school(self: Any, task_name: str) -> list[str]:
    """Send `task_name` once to every active school, each with its own schema header.

    Each school's task id is derived from this task's id (issue #11): if this fan-out is
    redelivered (its worker died before the ack), it sends the same ids again, and tasks
    that run once per id (`outbox.services.task_once`) do nothing the second time.
    """
    from celery import current_app

    from tenants.models import School
    from tenants.selectors import school_list
    from tenants.tasking import task_id_for

    parent = self.request.id or ""
    sent = []
    for schema in (
        school_list().filter(status=School.Status.ACTIVE).values_list("schema_name", flat=True)
    ):
        task_id = task_id_for(schema=schema, key=f"{task_name}:{parent}") if parent else None
        current_app.send_task(task_name, headers={"_schema_name": schema}, task_id=task_id)
        sent.append(schema)
    return sent


@shared_task(base=SchoolTask, name="tenants.connection_probe")
def connection_probe() -> dict[str, Any]:
    """Which PostgreSQL backend served this school's task (the recycling tests, #17)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return {"schema": db.schema_name, "backend_pid": pid}
