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


@shared_task(base=PlatformTask, name="tenants.for_each_school")
def for_each_school(task_name: str) -> list[str]:
    """Send `task_name` once to every active school, each with its own schema header."""
    from celery import current_app

    from tenants.models import School
    from tenants.selectors import school_list

    sent = []
    for schema in (
        school_list().filter(status=School.Status.ACTIVE).values_list("schema_name", flat=True)
    ):
        current_app.send_task(task_name, headers={"_schema_name": schema})
        sent.append(schema)
    return sent
