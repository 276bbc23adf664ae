"""Backup runs (ARC-5): the weekly per-school exports and the restore drill, recorded."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from backups.models import BackupRun

logger = logging.getLogger(__name__)


def school_export_run(*, schema: str) -> BackupRun:
    """Export one school to BACKUP_ROOT/<schema>/<date>.dump and record it."""
    from backups.school_dump import school_export

    started = time.monotonic()
    folder = Path(settings.BACKUP_ROOT) / schema
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{timezone.now():%Y%m%dT%H%M%S}.dump"
    try:
        export = school_export(schema=schema, path=path)
    except Exception as exc:
        logger.error("backups: export of %s failed: %s", schema, type(exc).__name__)
        return BackupRun.objects.create(
            kind=BackupRun.Kind.SCHOOL_EXPORT, school=schema, ok=False,
            seconds=time.monotonic() - started, details={"error": type(exc).__name__},
        )  # fmt: skip
    return BackupRun.objects.create(
        kind=BackupRun.Kind.SCHOOL_EXPORT, school=schema, ok=True,
        seconds=round(time.monotonic() - started, 2), path=str(path), sha256=export.sha256,
        details={"size": export.size},
    )  # fmt: skip


def restore_drill_run() -> BackupRun:
    """Run the pgBackRest restore drill and record its outcome (row counts, labels)."""
    from backups.drill import restore_drill

    try:
        result = restore_drill()
    except Exception as exc:
        logger.error("backups: restore drill failed: %s", exc)
        return BackupRun.objects.create(
            kind=BackupRun.Kind.RESTORE_DRILL, ok=False, details={"error": str(exc)[:500]}
        )
    return BackupRun.objects.create(
        kind=BackupRun.Kind.RESTORE_DRILL,
        ok=result.ok,
        seconds=result.seconds,
        details={
            "source": result.source_counts,
            "restored": result.restored_counts,
            "backups": result.backups,
        },
    )


def last_runs() -> dict[str, BackupRun | None]:
    """The newest drill and, per school, the newest export (for the operator console)."""
    found: dict[str, BackupRun | None] = {
        "drill": BackupRun.objects.filter(kind=BackupRun.Kind.RESTORE_DRILL).first()
    }
    for run in BackupRun.objects.filter(kind=BackupRun.Kind.SCHOOL_EXPORT).order_by("-at", "-id"):
        found.setdefault(run.school, run)
    return found
