"""The archive's test set-up: two storage roots of the test's own and a fixed signing key."""

from __future__ import annotations

import base64
import datetime as dt
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
