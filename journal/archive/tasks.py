"""Per-school archive tasks: the nightly scan (ended periods, closed years), an explicit
period, the integrity patrol. acks_late (settings): a worker killed mid-package leaves the
message to be redelivered; the build is idempotent per package key."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tenants.tasking import SchoolTask


@shared_task(base=SchoolTask, name="archive.scan", acks_late=True)
def scan() -> int:
    from journal.archive.services import archive_due

    return len(archive_due(on=timezone.localdate()))


@shared_task(base=SchoolTask, name="archive.period", acks_late=True)
def archive_period(period_id: int) -> int:
    from journal.archive.services import period_archive
    from journal.structure.models import ReportingPeriod

    period = ReportingPeriod.objects.get(pk=period_id)
    return len(period_archive(period=period, on=timezone.localdate()))


@shared_task(base=SchoolTask, name="archive.patrol", acks_late=True)
def patrol() -> dict[str, int]:
    from journal.archive.services import patrol_run

    result = patrol_run()
    return {
        "checked": result.checked,
        "repaired": len(result.repaired),
        "broken": len(result.broken),
    }
