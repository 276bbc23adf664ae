"""ARC-5 with a real backup tool: pgBackRest (Debian package, `make backup-tools`) backs a
scratch PostgreSQL 15 cluster up to two repositories — a full backup, then a differential
one, WAL archived. A restore of the latest backup from the second repository recovers every
row (the ones after the differential backup come from the WAL archive); a point-in-time
restore from the first repository to a moment between two writes has the first and not the
second. Each restored cluster's tree head, recomputed from its leaves, matches the head it
holds and the source's head of that moment. The run is recorded and the console shows it.
The schedule (weekly full, daily differential) is beat's."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.test import Client

from backups.drill import AT_TARGET, FINAL, PG_BIN
from backups.models import BackupRun


@pytest.fixture(autouse=True)
def _backup_tools() -> None:
    """`make test` installs them (`make backup-tools`); a machine without them fails here,
    saying so, instead of skipping the drill and hiding the gap."""
    if not shutil.which("pgbackrest") or not (PG_BIN / "initdb").exists():
        pytest.fail("pgbackrest or PostgreSQL 15 missing: run `make backup-tools`")


def test_full_and_differential_backups_restore_latest_and_a_point_in_time_arc5(
    operator: Any,
) -> None:
    from backups.services import restore_drill_run

    run = restore_drill_run()
    assert run.ok, run.details
    labels = run.details["labels"]
    assert set(labels) == {"1", "2"}
    for repo_labels in labels.values():  # pgBackRest's labels: <time>F, then <time>F_<time>D
        full, diff = sorted(repo_labels)
        assert full.endswith("F") and diff.endswith("D")
        assert diff.startswith(full + "_")  # the differential is on top of that full
    assert run.details["source"] == FINAL
    latest, pitr = run.details["restores"]
    assert (latest["repo"], latest["target"]) == ("2", "latest")
    assert latest["counts"] == FINAL and latest["markers"] == ["write-1", "write-2"]
    assert latest["head"][0] == FINAL["leaves"]
    assert pitr["repo"] == "1" and pitr["target"] == run.details["target_time"]
    assert pitr["counts"] == AT_TARGET and pitr["markers"] == ["write-1"]  # not write 2
    assert pitr["head"][0] == AT_TARGET["leaves"] and pitr["head"] != latest["head"]
    for restored in (latest, pitr):
        assert restored["head"] == restored["expected_head"]
        assert restored["recomputed_root"] == restored["head"][1]
    assert BackupRun.objects.filter(kind=BackupRun.Kind.RESTORE_DRILL, ok=True).count() == 1
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    html = client.get("/console/archive/").content.decode()
    assert "Учебное восстановление" in html and "успешно" in html


def test_the_schedule_is_a_weekly_full_and_a_daily_differential_backup_arc5() -> None:
    beat = settings.CELERY_BEAT_SCHEDULE
    full = beat["backups-pgbackrest-full-weekly"]
    diff = beat["backups-pgbackrest-diff-daily"]
    assert (full["task"], full["args"]) == ("backups.pgbackrest", ["full"])
    assert (diff["task"], diff["args"]) == ("backups.pgbackrest", ["diff"])
    assert full["schedule"] == crontab(day_of_week=0, hour=0, minute=30)
    assert diff["schedule"] == crontab(day_of_week="1-6", hour=0, minute=30)
    weekly: Any = full["schedule"]
    daily: Any = diff["schedule"]
    assert weekly.day_of_week == {0}
    assert weekly.day_of_week | daily.day_of_week == set(range(7))


def test_the_scheduled_backup_records_each_repository_and_its_failure_arc5(
    db: None, settings: Any, tmp_path: Path
) -> None:
    from backups.services import pgbackrest_run

    settings.PGBACKREST_STANZA = ""
    assert pgbackrest_run(kind="full") == []  # development: nothing configured, nothing run
    assert not BackupRun.objects.exists()
    settings.PGBACKREST_STANZA = "nosuch"
    settings.PGBACKREST_CONFIG = str(tmp_path / "missing.conf")
    settings.PGBACKREST_REPOS = ["1", "2"]
    runs = pgbackrest_run(kind="diff")
    assert [(r.kind, r.ok, r.details["repo"], r.details["kind"]) for r in runs] == [
        ("pgbackrest", False, "1", "diff"),
        ("pgbackrest", False, "2", "diff"),
    ]
    assert all(r.details["error"] for r in runs)
    with pytest.raises(ValueError):
        pgbackrest_run(kind="everything")
