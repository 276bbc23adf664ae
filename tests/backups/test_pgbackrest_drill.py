"""ARC-5 with a real backup tool: pgBackRest (Debian package, `make backup-tools`) backs a
scratch PostgreSQL 15 cluster up to two repositories, WAL archived; a restore from the
second repository into another folder recovers every row, the ones written after the
backup included (they come from the WAL archive)."""

from __future__ import annotations

import shutil

import pytest

from backups.drill import PG_BIN, TABLES, restore_drill

pytestmark = pytest.mark.skipif(
    not shutil.which("pgbackrest") or not (PG_BIN / "initdb").exists(),
    reason="pgbackrest or PostgreSQL 15 missing: run `make backup-tools`",
)


def test_full_backup_to_two_repositories_restores_every_row_arc5() -> None:
    result = restore_drill()
    assert set(result.backups) == {"1", "2"}
    assert all(label.endswith("F") for label in result.backups.values())  # full backups
    assert result.source_counts == {name: rows for name, rows in TABLES.items()}
    assert result.restored_counts == result.source_counts
    assert result.ok
