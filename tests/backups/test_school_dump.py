"""ARC-5: one school exported (`pg_dump -n <schema> -Fc`), its schema dropped, restored from
the export: the journal's rows and the archive's tree and head are back and verify against
the heads kept in public; the other schools were not touched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests import clock
from tests.archive.conftest import TEST_KEY, storage_settings
from tests.reliability.conftest import School


@pytest.fixture
def cleanup_heads(committed_school: School, django_db_blocker: Any) -> Iterator[None]:
    yield
    from archive_heads.models import PublishedTreeHead

    with django_db_blocker.unblock():
        PublishedTreeHead.objects.filter(school=committed_school.schema).delete()


def _counts() -> dict[str, int]:
    from journal.archive.models import ArchiveLeaf, ArchivePackage, TreeHead
    from journal.register.models import Attendance, Lesson, Mark
    from journal.roster.models import Pupil

    return {
        m.__name__: m.objects.count()
        for m in (Pupil, Lesson, Mark, Attendance, ArchivePackage, ArchiveLeaf, TreeHead)
    }


def _schema_exists(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        return cursor.fetchone() is not None


def test_a_dropped_school_is_restored_from_its_own_export_arc5(
    committed_school: School,
    django_db_blocker: Any,
    tmp_path: Path,
    settings: Any,
    cleanup_heads: None,
) -> None:
    from backups.school_dump import school_restore
    from journal.archive.models import TreeHead
    from journal.archive.services import package_verify, period_archive
    from journal.archive.tree import tree_verify
    from journal.structure.models import ReportingPeriod

    settings.STORAGES = storage_settings(tmp_path / "archive")
    settings.ARCHIVE_SIGNING_KEY = TEST_KEY
    schema = committed_school.schema
    with django_db_blocker.unblock():
        with schema_context("school1"):
            from accounts.models import User

            other_school_users = User.objects.count()
        with schema_context(schema):
            period = ReportingPeriod.objects.get(pk=committed_school.world.period.pk)
            day = period.ends_on + dt.timedelta(days=1)
            with clock.on(day):
                period_archive(period=period, on=day)
            before = _counts()
            head = TreeHead.objects.order_by("-tree_size").values_list("tree_size", "root_hash")[0]
        assert before["Lesson"] > 0 and before["Pupil"] > 0 and before["ArchivePackage"] > 0
        from backups.services import school_export_run

        settings.BACKUP_ROOT = str(tmp_path / "backups")
        run = school_export_run(schema=schema)
        assert run.ok and len(run.sha256) == 64 and run.details["size"] > 0
        export_path = Path(run.path)
        assert export_path.parent == tmp_path / "backups" / schema
        run.delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
        assert not _schema_exists(schema)
        school_restore(schema=schema, path=export_path)
        assert _schema_exists(schema)
        with schema_context(schema):
            assert _counts() == before
            assert (
                TreeHead.objects.order_by("-tree_size").values_list("tree_size", "root_hash")[0]
                == head
            )
            assert tree_verify().ok
            from journal.archive.models import ArchivePackage

            for package in ArchivePackage.objects.all():
                assert package_verify(package) == []
        with schema_context("school1"):
            assert User.objects.count() == other_school_users
