"""The reports' per-school tasks (issue #12): long reports and the period-close copies."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from tenants.tasking import SchoolTask


@shared_task(base=SchoolTask, bind=True, name="reports.job_run")
def job_run(self: Any, job_id: int) -> dict[str, Any]:
    """Make a `ReportJob`'s files. Idempotent: each class's file commits with its own
    TaskRun claim, so a redelivered copy skips what is made and a finished job is left."""
    from journal.reports.jobs import report_job_run

    job = report_job_run(job_id=job_id)
    if job is None:
        return {"job_id": job_id, "state": "missing"}
    return {"job_id": job.pk, "state": job.state, "done": job.done, "total": job.total}


@shared_task(base=SchoolTask, bind=True, name="reports.paper_copies_at_period_close")
def paper_copies_at_period_close(self: Any) -> dict[str, Any]:
    """Daily, in every school (`tenants.for_each_school`): the paper copies of the classes
    whose cadence period ended yesterday (REP-3, 002 п.4). Once per task id (TaskRun), and
    the job's natural key makes another run for the same day a no-op as well."""
    from django.utils import timezone

    from journal.reports import cadence
    from outbox.services import task_once

    with task_once(self) as first:
        if not first:
            return {"skipped": "already done"}
        jobs = cadence.paper_copies_at_period_close(today=timezone.localdate())
    return {"jobs": [job.pk for job in jobs]}
