"""ARC-4 with an S3-compatible second location (issue #14): django-storages' S3Storage against
moto's S3 server (a separate process speaking the S3 protocol on loopback), beside a
filesystem root, both chosen by settings (ARCHIVE_LOCATIONS). Closing a period stores every
package in both and both verify; one changed byte in the bucket is named and the patrol
mends it from the filesystem copy (and the other way round); a write killed midway leaves
no object, and a dead package attempt's objects are removed by the retry."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django_tenants.utils import schema_context

from journal.archive import services as archive_services
from journal.archive import storage as st
from journal.archive.models import ArchiveLeaf, ArchivePackage
from journal.archive.services import (
    MANIFEST,
    PAPER_COPY_FILE,
    package_verify,
    patrol_run,
    period_archive,
    period_classes,
)
from journal.archive.tree import tree_verify
from tests import clock
from tests.archive.conftest import S3_KEY, S3_SECRET, S3Archive
from tests.world import World


@dataclass
class S3Archived:
    world: World
    s3: S3Archive
    packages: list[ArchivePackage]
    day: dt.date

    def keys(self, prefix: str) -> dict[str, bytes]:
        client = self.s3.peer.client()
        listed = client.list_objects_v2(Bucket=self.s3.bucket, Prefix=prefix)
        return {
            o["Key"]: client.get_object(Bucket=self.s3.bucket, Key=o["Key"])["Body"].read()
            for o in listed.get("Contents", [])
        }


@pytest.fixture
def s3_archived(world: World, s3_archive_settings: S3Archive) -> Iterator[S3Archived]:
    day = world.period.ends_on + dt.timedelta(days=1)
    with clock.on(day), schema_context("school1"):
        packages = period_archive(period=world.period, on=day)
        yield S3Archived(world, s3_archive_settings, packages, day)


def test_closing_a_period_stores_each_package_on_disk_and_in_the_bucket_arc4(
    s3_archived: S3Archived,
) -> None:
    assert [name for name, _ in st.locations()] == ["archive_fs", "archive_s3"]
    classes = period_classes(s3_archived.world.period)
    assert len(s3_archived.packages) == len(classes) >= 2
    for package in s3_archived.packages:
        assert package_verify(package) == []
        # In the bucket itself (read with boto3, not through the storage under test).
        objects = s3_archived.keys(f"{package.folder}/")
        names = sorted([*(e["name"] for e in package.files), MANIFEST])
        assert sorted(k.rsplit("/", 1)[1] for k in objects) == names
        manifest = objects[f"{package.folder}/{MANIFEST}"]
        assert hashlib.sha256(manifest).hexdigest() == package.manifest_sha256
        for entry in json.loads(manifest)["files"]:
            data = objects[f"{package.folder}/{entry['name']}"]
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert (s3_archived.s3.root / package.folder / entry["name"]).read_bytes() == data
    every = s3_archived.keys("school1/")
    assert not [k for k in every if st.TEMP_PREFIX in k]
    assert {k.rsplit("/", 1)[0] for k in every} == {p.folder for p in s3_archived.packages}
    assert tree_verify().ok


def _flip_s3(archived: S3Archived, key: str) -> bytes:
    client = archived.s3.peer.client()
    original: bytes = client.get_object(Bucket=archived.s3.bucket, Key=key)["Body"].read()
    data = bytearray(original)
    data[len(data) // 2] ^= 0x01
    client.put_object(Bucket=archived.s3.bucket, Key=key, Body=bytes(data))
    return original


@pytest.mark.parametrize("name", [PAPER_COPY_FILE, "marks.csv", MANIFEST])
def test_one_changed_byte_in_the_bucket_is_named_and_mended_from_the_disk_arc3(
    s3_archived: S3Archived, name: str
) -> None:
    package = s3_archived.packages[0]
    key = f"{package.folder}/{name}"
    original = _flip_s3(s3_archived, key)
    problems = package_verify(package)
    assert [(p.location, p.file) for p in problems] == [("archive_s3", name)]
    assert "изменён" in problems[0].what
    result = patrol_run(limit=len(s3_archived.packages))
    assert result.repaired == [package.key] and result.broken == []
    assert s3_archived.keys(key)[key] == original
    assert package_verify(package) == []
    package.refresh_from_db()
    assert package.state == ArchivePackage.State.REPAIRED
    assert package.check_report == [f"archive_s3: {name} — изменён (SHA-256 не совпадает)"]


def test_a_file_missing_from_the_bucket_is_named_and_mended_arc3(
    s3_archived: S3Archived,
) -> None:
    package = s3_archived.packages[-1]
    key = f"{package.folder}/records.json"
    original = s3_archived.keys(key)[key]
    s3_archived.s3.peer.client().delete_object(Bucket=s3_archived.s3.bucket, Key=key)
    assert [(p.location, p.file, p.what) for p in package_verify(package)] == [
        ("archive_s3", "records.json", "отсутствует")
    ]
    assert patrol_run(limit=len(s3_archived.packages)).repaired == [package.key]
    assert s3_archived.keys(key)[key] == original


def test_a_changed_byte_on_disk_is_mended_from_the_bucket_arc3(s3_archived: S3Archived) -> None:
    package = s3_archived.packages[0]
    path = s3_archived.s3.root / package.folder / "attendance.csv"
    original = path.read_bytes()
    path.write_bytes(original[:-1] + bytes([original[-1] ^ 0x20]))
    assert [(p.location, p.file) for p in package_verify(package)] == [
        ("archive_fs", "attendance.csv")
    ]
    assert patrol_run(limit=len(s3_archived.packages)).repaired == [package.key]
    assert path.read_bytes() == original


KILLED_UPLOAD = textwrap.dedent(
    """
    import sys, time, boto3
    endpoint, bucket, key, secret = sys.argv[1:5]
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=key,
                      aws_secret_access_key=secret, region_name="us-east-1")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="school1/big/paper-copy.pdf")
    s3.upload_part(Bucket=bucket, Key="school1/big/paper-copy.pdf", PartNumber=1,
                   UploadId=upload["UploadId"], Body=b"%PDF" + b"x" * (5 * 1024 * 1024))
    print("part uploaded", flush=True)
    time.sleep(120)  # killed here, before CompleteMultipartUpload
    """
)


def test_an_upload_killed_midway_leaves_no_object_in_the_bucket(
    s3_archive_settings: S3Archive,
) -> None:
    """S3 has no rename and needs none: an object appears whole at the end of its PUT or
    multipart upload, or not at all. A real process is SIGKILLed after sending a part."""
    peer, bucket = s3_archive_settings.peer, s3_archive_settings.bucket
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_UPLOAD, peer.endpoint, bucket, S3_KEY, S3_SECRET],
        stdout=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == b"part uploaded"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    client = peer.client()
    # The part reached the server (an incomplete upload, reclaimed by a lifecycle rule) ...
    uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [u["Key"] for u in uploads] == ["school1/big/paper-copy.pdf"]
    # ... and nothing is visible: not listed, not readable through the archive's storage.
    assert client.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    storage = dict(st.locations())["archive_s3"]
    assert not storage.exists("school1/big/paper-copy.pdf")
    assert st.all_files(storage, "school1") == []


def test_a_dead_attempt_in_the_bucket_is_removed_by_the_retry_exactly_once(
    world: World, s3_archive_settings: S3Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A package attempt that dies after writing its objects (before its row commits) is
    invisible (no row points at its folder) and its objects go before the retry writes."""
    real_append = archive_services.tree_append

    def die(**kwargs: Any) -> Any:
        raise RuntimeError("killed after the files were written")

    day = world.period.ends_on + dt.timedelta(days=1)
    with clock.on(day), schema_context("school1"):
        cls = period_classes(world.period)[0]
        monkeypatch.setattr(archive_services, "tree_append", die)
        with pytest.raises(RuntimeError):
            archive_services.package_build(class_group=cls, period=world.period, kind="period")
        assert ArchivePackage.objects.count() == 0 and ArchiveLeaf.objects.count() == 0
        storage = dict(st.locations())["archive_s3"]
        dead = st.all_files(storage, "school1")
        assert any(f.endswith(f"/{MANIFEST}") for f in dead)  # whole, but in no package
        monkeypatch.setattr(archive_services, "tree_append", real_append)
        package = archive_services.package_build(
            class_group=cls, period=world.period, kind="period"
        )
        assert package_verify(package) == []
        for _name, where in st.locations():
            files = st.all_files(where, "school1")
            assert {f.rsplit("/", 1)[0] for f in files} == {package.folder}
            assert not set(dead) & set(files)
        again = archive_services.package_build(class_group=cls, period=world.period, kind="period")
        assert again.pk == package.pk and ArchiveLeaf.objects.count() == 1
