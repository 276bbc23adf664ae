"""The school side's task of the rollups: refresh when a reporting period closes."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from tenants.tasking import SchoolTask


@shared_task(base=SchoolTask, bind=True, name="rollup.at_period_close")
def at_period_close(self: Any) -> dict[str, Any]:
    """Daily in every school (`tenants.for_each_school`): enqueue the school's rollup when
    a period ended or its marks closed yesterday. Once per task id, and the outbox key of
    the day makes another run that day enqueue nothing."""
    from django.utils import timezone

    from journal.rollup.closing import rollup_at_period_close
    from outbox.services import task_once

    with task_once(self) as first:
        if not first:
            return {"skipped": "already done"}
        periods = rollup_at_period_close(today=timezone.localdate())
    return {"periods": [p.pk for p in periods]}
