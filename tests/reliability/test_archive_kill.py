"""ARC-1 exactly once (issue #14): a real Celery worker SIGKILLed in the middle of an archive
task (its files written, its transaction not committed), then another worker: exactly one
complete package per class, both copies verifying, and no partial files anywhere — with two
filesystem locations, and with the second one an S3 bucket (moto's server, a separate
process: the worker reaches it through ARCHIVE_SECONDARY_S3_*)."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from tests import clock
from tests.archive.conftest import (
    S3_KEY,
    S3_SECRET,
    TEST_KEY,
    s3_bucket,
    s3_location,
    s3_server,
    storage_settings,
)
from tests.reliability.conftest import (
    BrokerAt,
    RedisServer,
    School,
    process_env,
    start_worker,
    stop,
    wait_for,
    wait_for_log,
)


@dataclass
class Locations:
    kind: str
    root: Path
    env: dict[str, str]  # what the workers get


@pytest.fixture(params=["filesystem", "s3"])
def archive_root(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, settings: Any
) -> Iterator[Locations]:
    root = tmp_path_factory.mktemp("archive")
    settings.STORAGES = storage_settings(root)
    settings.ARCHIVE_SIGNING_KEY = TEST_KEY
    env = {
        "ARCHIVE_PRIMARY_ROOT": str(root / "primary"),
        "ARCHIVE_SECONDARY_ROOT": str(root / "secondary"),
        "ARCHIVE_SIGNING_KEY": TEST_KEY,
    }
    if request.param == "filesystem":
        yield Locations(request.param, root, env)
        return
    with s3_server(root) as peer:
        bucket = s3_bucket(peer)
        settings.STORAGES = {**settings.STORAGES, "archive_secondary": s3_location(peer, bucket)}
        env |= {
            "ARCHIVE_SECONDARY_S3_BUCKET": bucket,
            "ARCHIVE_SECONDARY_S3_ENDPOINT": peer.endpoint,
            "ARCHIVE_SECONDARY_S3_ACCESS_KEY": S3_KEY,
            "ARCHIVE_SECONDARY_S3_SECRET_KEY": S3_SECRET,
            "ARCHIVE_SECONDARY_S3_REGION": "us-east-1",
        }
        yield Locations(request.param, root, env)


@pytest.fixture
def cleanup_heads(committed_school: School, django_db_blocker: Any) -> Iterator[None]:
    """The module's school starts each run with no archive (the tables are append-only:
    the clean-up goes round their triggers, as only a test may)."""
    yield
    from django.db import connection
    from django_tenants.utils import schema_context

    from archive_heads.models import PublishedTreeHead

    with django_db_blocker.unblock():
        PublishedTreeHead.objects.filter(school=committed_school.schema).delete()
        with schema_context(committed_school.schema), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                for table in ("archive_archivepackage", "archive_treehead", "archive_archiveleaf"):
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - constant names


def test_worker_killed_mid_archive_leaves_one_complete_package_and_no_partial_files(
    committed_school: School,
    redis_server: RedisServer,
    archive_root: Locations,
    cleanup_heads: None,
    django_db_blocker: Any,
    tmp_path: Path,
) -> None:
    from journal.archive import storage as st
    from journal.archive.models import ArchivePackage
    from journal.archive.services import package_verify, period_classes
    from journal.structure.models import ReportingPeriod
    from outbox.services import outbox_enqueue

    with django_db_blocker.unblock(), schema_context(committed_school.schema):
        period = ReportingPeriod.objects.get(pk=committed_school.world.period.pk)
        classes = period_classes(period)
    day = period.ends_on + dt.timedelta(days=1)
    started: list[subprocess.Popen[bytes]] = []
    try:
        with clock.on(day):
            base = {"EDUJOURNAL_VISIBILITY_TIMEOUT": "3", **archive_root.env}
            first_log = tmp_path / "first.log"
            first = start_worker(
                process_env(
                    redis_url=redis_server.url, extra={**base, "EDUJOURNAL_ARCHIVE_PAUSE": "60"}
                ),
                first_log,
            )
            started.append(first)
            wait_for_log(first_log, "ready.", 90)
            with BrokerAt(f"{redis_server.url}/0"), django_db_blocker.unblock():
                with schema_context(committed_school.schema), transaction.atomic():
                    outbox_enqueue(
                        task="archive.period",
                        kwargs={"period_id": period.pk},
                        key=f"archive.period:{period.pk}:{archive_root.kind}",
                    )
            wait_for_log(first_log, "pausing", 90)
            stop(first, signal.SIGKILL)  # mid-archive: files written, nothing committed
            with django_db_blocker.unblock(), schema_context(committed_school.schema):
                assert ArchivePackage.objects.count() == 0
            # The dead attempt's files are on disk, in no package: the retry removes them.
            dead = {
                name: st.all_files(where, committed_school.schema) for name, where in st.locations()
            }
            assert all(dead.values())
            second_log = tmp_path / "second.log"
            second = start_worker(process_env(redis_url=redis_server.url, extra=base), second_log)
            started.append(second)

            def done() -> bool:
                with django_db_blocker.unblock(), schema_context(committed_school.schema):
                    return ArchivePackage.objects.count() == len(classes)

            wait_for(done, 240, "the redelivered archive task")
            wait_for_log(second_log, "succeeded", 60)
    finally:
        for process in started:
            stop(process, signal.SIGKILL)
    with django_db_blocker.unblock(), schema_context(committed_school.schema):
        packages = list(ArchivePackage.objects.all())
        assert len({p.key for p in packages}) == len(classes) == len(packages)
        for package in packages:
            assert package_verify(package) == []
        for location, storage in st.locations():
            files = st.all_files(storage, committed_school.schema)
            assert not [f for f in files if st.TEMP_PREFIX in f]
            folders = {f.rsplit("/", 1)[0] for f in files}
            assert folders == {p.folder for p in packages}  # the dead attempt is gone
            assert not set(dead[location]) & set(files)
