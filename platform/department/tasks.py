"""The department's tasks: one school's rollup (in its schema), and the nightly fan-out."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from tenants.tasking import PlatformTask, SchoolTask


@shared_task(base=SchoolTask, bind=True, name="department.rollup_school")
def rollup_school(self: Any) -> dict[str, Any]:
    """Count this school's figures and upsert them into public (refuses without a school:
    SchoolTask). Once per task id; and a repeated run replaces the rows with equal ones."""
    from core.tenancy import db
    from department.services import rollup_failed, rollup_refresh
    from outbox.services import task_once

    schema = db.schema_name
    try:
        with task_once(self) as first:
            if not first:
                return {"skipped": "already done", "task_id": self.request.id}
            run = rollup_refresh()
    except Exception as exc:
        rollup_failed(schema=schema, error=type(exc).__name__)
        raise
    return {"schema": schema, "rows": run.rows}


@shared_task(base=PlatformTask, name="department.rollup_fan_out")
def rollup_fan_out() -> list[str]:
    """Send every active school's rollup, spread out: a cap per slot, jitter inside it."""
    from department.services import fan_out_countdowns, rollup_request
    from tenants.models import School
    from tenants.selectors import school_list

    schools = list(school_list().filter(status=School.Status.ACTIVE).order_by("pk"))
    for school, countdown in zip(schools, fan_out_countdowns(len(schools)), strict=True):
        rollup_request(school=school, countdown=countdown)
    return [s.schema_name for s in schools]
