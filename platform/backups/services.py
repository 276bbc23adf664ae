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


def pgbackrest_run(*, kind: str) -> list[BackupRun]:
    """`pgbackrest backup --type=<kind>` to each repository of PGBACKREST_REPOS, recorded.
    Nothing to do (and nothing recorded) where PGBACKREST_STANZA is unset (development)."""
    from backups.drill import pgbackrest_backup

    if kind not in {"full", "diff"}:
        raise ValueError(f"backup kind {kind!r}: full or diff")
    stanza = settings.PGBACKREST_STANZA
    if not stanza:
        logger.info("backups: PGBACKREST_STANZA unset: no cluster backup (%s)", kind)
        return []
    runs = []
    for repo in settings.PGBACKREST_REPOS:
        started = time.monotonic()
        try:
            pgbackrest_backup(kind=kind, repo=repo, config=settings.PGBACKREST_CONFIG,
                              stanza=stanza)  # fmt: skip
        except Exception as exc:
            logger.error("backups: pgbackrest %s backup to repo %s failed: %s", kind, repo, exc)
            ok, details = False, {"kind": kind, "repo": repo, "error": str(exc)[:500]}
        else:
            ok, details = True, {"kind": kind, "repo": repo}
        runs.append(
            BackupRun.objects.create(
                kind=BackupRun.Kind.PGBACKREST,
                ok=ok,
                details=details,
                seconds=round(time.monotonic() - started, 2),
            )
        )
    return runs


def restore_drill_run() -> BackupRun:
    """Run the pgBackRest restore drill and record its outcome: row counts, backup labels
    (full and differential per repository), each restore (latest, point in time) with its
    tree head recomputed and compared."""
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
            "labels": result.labels,
            "target_time": result.target_time,
            "restores": [r.as_dict() for r in result.restores],
        },
    )


def cluster_backups() -> list[BackupRun]:
    """The newest scheduled pgBackRest run of each repository (for the operator console)."""
    newest: dict[str, BackupRun] = {}
    for run in BackupRun.objects.filter(kind=BackupRun.Kind.PGBACKREST)[:50]:
        newest.setdefault(str(run.details.get("repo", "")), run)
    return [newest[repo] for repo in sorted(newest)]


def last_runs() -> dict[str, BackupRun | None]:
    """The newest drill and, per school, the newest export (for the operator console)."""
    found: dict[str, BackupRun | None] = {
        "drill": BackupRun.objects.filter(kind=BackupRun.Kind.RESTORE_DRILL).first()
    }
    for run in BackupRun.objects.filter(kind=BackupRun.Kind.SCHOOL_EXPORT).order_by("-at", "-id"):
        found.setdefault(run.school, run)
    return found
