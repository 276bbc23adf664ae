"""DIA-3: the scheduled per-school task that makes the printouts for parents who declined
electronic access (beat: `tenants.for_each_school` daily; spans of the regulation's
`parent_printout_days`). Idempotent twice over: `task_once` per task id, and the
printout's unique key per class × span (a run on any day of the next span finds it made)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tenants.tasking import SchoolTask


@shared_task(base=SchoolTask, bind=True, name="reports.parent_printouts")
def parent_printouts(self: SchoolTask) -> int:
    from journal.reports.printouts import parent_printouts_make
    from outbox.services import task_once

    with task_once(self) as first:
        if not first:
            return 0
        return len(parent_printouts_make(on=timezone.localdate()))
