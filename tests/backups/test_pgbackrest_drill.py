"""ARC-5 with a real backup tool: pgBackRest (Debian package, `make backup-tools`) backs a
scratch PostgreSQL 15 cluster up to two repositories, WAL archived; a restore from the
second repository into another folder recovers every row, the ones written after the
backup included (they come from the WAL archive). The run is recorded and the operator
console shows it."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from django.test import Client

from backups.drill import PG_BIN, TABLES
from backups.models import BackupRun


@pytest.fixture(autouse=True)
def _backup_tools() -> None:
    """`make test` installs them (`make backup-tools`); a machine without them fails here,
    saying so, instead of skipping the drill and hiding the gap."""
    if not shutil.which("pgbackrest") or not (PG_BIN / "initdb").exists():
        pytest.fail("pgbackrest or PostgreSQL 15 missing: run `make backup-tools`")


def test_full_backup_to_two_repositories_restores_every_row_arc5(operator: Any) -> None:
    from backups.services import restore_drill_run

    run = restore_drill_run()
    assert run.ok, run.details
    assert set(run.details["backups"]) == {"1", "2"}
    assert all(label.endswith("F") for label in run.details["backups"].values())  # full
    assert run.details["source"] == dict(TABLES)
    assert run.details["restored"] == run.details["source"]
    assert BackupRun.objects.filter(kind=BackupRun.Kind.RESTORE_DRILL, ok=True).count() == 1
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    html = client.get("/console/archive/").content.decode()
    assert "Учебное восстановление" in html and "успешно" in html
