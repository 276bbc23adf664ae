"""The archive's test set-up: two storage roots of the test's own and a fixed signing key;
for the S3-compatible location, moto's S3 server as a separate process."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from tests import clock
from tests.world import World

TEST_KEY = base64.b64encode(bytes(range(32))).decode()  # test-only; never a real key
OTHER_KEY = base64.b64encode(bytes(range(1, 33))).decode()


def storage_settings(root: Path) -> dict[str, Any]:
    from django.conf import settings

    return {
        **settings.STORAGES,
        "archive_primary": {
            "BACKEND": "journal.archive.storage.AtomicFileSystemStorage",
            "OPTIONS": {"location": str(root / "primary")},
        },
        "archive_secondary": {
            "BACKEND": "journal.archive.storage.AtomicFileSystemStorage",
            "OPTIONS": {"location": str(root / "secondary")},
        },
    }


@pytest.fixture
def archive_settings(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = storage_settings(tmp_path)
    settings.ARCHIVE_SIGNING_KEY = TEST_KEY
    settings.ARCHIVE_SIGNING_KEY_FILE = ""
    settings.ARCHIVE_PUBLIC_KEYS = {}
    return tmp_path


@dataclass
class Archived:
    world: World
    packages: list[Any]
    root: Path
    day: dt.date


@pytest.fixture
def archived(world: World, archive_settings: Path) -> Iterator[Archived]:
    """The world's period closed (the day after its end) and archived."""
    from journal.archive.services import period_archive

    day = world.period.ends_on + dt.timedelta(days=1)
    with clock.on(day), schema_context("school1"):
        packages = period_archive(period=world.period, on=day)
        yield Archived(world, packages, archive_settings, day)


# --- S3-compatible second location (ARC-4): moto's server, a real S3 protocol peer ------------


@dataclass
class S3Peer:
    endpoint: str
    process: subprocess.Popen[bytes]

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET,
            region_name="us-east-1",
        )


S3_KEY, S3_SECRET = "test-only-key", "test-only-secret"  # moto accepts any; not real keys


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def s3_server(log_dir: Path) -> Iterator[S3Peer]:
    """moto's S3 server as a separate process on a free loopback port."""
    port = _free_port()
    log = log_dir / "moto.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"moto_server did not start: {log.read_text()}") from None
            time.sleep(0.1)
    try:
        yield S3Peer(endpoint, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def s3_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Peer]:
    with s3_server(tmp_path_factory.mktemp("moto")) as peer:
        yield peer


def s3_bucket(peer: S3Peer) -> str:
    import uuid

    bucket = f"archive-{uuid.uuid4().hex[:12]}"
    peer.client().create_bucket(Bucket=bucket)
    return bucket


def s3_location(peer: S3Peer, bucket: str) -> dict[str, Any]:
    """The same settings `archive_location("ARCHIVE_SECONDARY", ...)` makes from the
    environment (config/settings/base.py), for this peer and bucket."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": peer.endpoint,
            "access_key": S3_KEY,
            "secret_key": S3_SECRET,
            "region_name": "us-east-1",
            "addressing_style": "path",
            "file_overwrite": True,
            "default_acl": None,
        },
    }


@dataclass
class S3Archive:
    peer: S3Peer
    bucket: str
    root: Path  # the filesystem location's root


@pytest.fixture
def s3_archive_settings(settings: Any, tmp_path: Path, s3_peer: S3Peer) -> S3Archive:
    """ARCHIVE_LOCATIONS: a filesystem root and an S3 bucket of this test's own."""
    bucket = s3_bucket(s3_peer)
    settings.STORAGES = {
        **settings.STORAGES,
        "archive_fs": {
            "BACKEND": "journal.archive.storage.AtomicFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "fs")},
        },
        "archive_s3": s3_location(s3_peer, bucket),
    }
    settings.ARCHIVE_LOCATIONS = ["archive_fs", "archive_s3"]
    settings.ARCHIVE_SIGNING_KEY = TEST_KEY
    settings.ARCHIVE_SIGNING_KEY_FILE = ""
    settings.ARCHIVE_PUBLIC_KEYS = {}
    return S3Archive(s3_peer, bucket, tmp_path / "fs")
