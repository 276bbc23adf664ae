"""Weekly backups (ARC-5), from public: each school's export, then the restore drill."""

from __future__ import annotations

from celery import shared_task

from tenants.tasking import PlatformTask


@shared_task(base=PlatformTask, name="backups.school_exports", acks_late=True)
def school_exports() -> int:
    # Idempotent enough: a redelivered run writes another dated export, never overwrites one.
    from backups.services import school_export_run
    from tenants.models import School
    from tenants.selectors import school_list

    schemas = (
        school_list().filter(status=School.Status.ACTIVE).values_list("schema_name", flat=True)
    )
    return sum(school_export_run(schema=s).ok for s in schemas)


@shared_task(base=PlatformTask, name="backups.pgbackrest", acks_late=True)
def pgbackrest(kind: str) -> int:
    """The cluster's backup to every repository (weekly full, daily differential); a
    redelivery makes another backup (pgBackRest's own labels; nothing overwritten)."""
    from backups.services import pgbackrest_run

    return sum(run.ok for run in pgbackrest_run(kind=kind))


@shared_task(base=PlatformTask, name="backups.restore_drill", acks_late=True)
def restore_drill() -> bool:
    from backups.services import restore_drill_run

    return restore_drill_run().ok
