"""pytest: real PostgreSQL and Redis; Redis databases of their own so a demo can run beside."""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path
from typing import IO

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, DATABASES, REST_FRAMEWORK, redis_db
from core.env import REPO_ROOT, env
from tests import clock

# The one test clock (tests/clock.py): a chosen school day, shared with child processes.
clock.start()

SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast in tests only
# Concurrent test runs on one machine keep apart: each run holds a lock on one of
# TEST_SLOTS slots and gets that slot's test database and Redis databases (slot s uses
# Redis databases 15-3s, 14-3s, 13-3s; `make demo` uses 0-2). TEST_RUN_SLOT is only a
# preference: a slot held by another run is skipped. The locks live in one machine-wide
# folder (not the checkout's .data), so runs from several checkouts or worktrees against
# the same servers never take the same slot.
TEST_SLOTS = 5
_held_slot_lock: list[IO[str]] = []
_SLOT_OF_PARENT = "EDUJOURNAL_TEST_SLOT_OF_PARENT"


def _claim_slot() -> int:
    # A process started by a test run (manage.py check, a worker, gunicorn) works in its
    # parent's slot: the parent holds the lock for both.
    inherited = os.environ.get(_SLOT_OF_PARENT, "")
    if inherited:
        return int(inherited)
    preferred = int(env("TEST_RUN_SLOT", "0") or 0) % TEST_SLOTS
    lock_dir = Path(tempfile.gettempdir()) / "edujournal-test-slots"
    lock_dir.mkdir(exist_ok=True)
    for offset in range(TEST_SLOTS):
        slot = (preferred + offset) % TEST_SLOTS
        handle = (lock_dir / f"test-slot-{slot}.lock").open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _held_slot_lock.append(handle)  # held until this process exits
        os.environ[_SLOT_OF_PARENT] = str(slot)
        return slot
    raise ImproperlyConfigured(f"all {TEST_SLOTS} test slots are in use by other test runs")


TEST_RUN_SLOT = _claim_slot()
DATABASES["default"]["TEST"] = {"NAME": f"test_edujournal_{TEST_RUN_SLOT}"}
# Live-server threads must not keep connections open past their request, or the test
# database cannot be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0
for _alias in ("default", "platform"):
    CACHES[_alias]["LOCATION"] = redis_db(15 - 3 * TEST_RUN_SLOT)
CELERY_BROKER_URL = redis_db(14 - 3 * TEST_RUN_SLOT)
CELERY_RESULT_BACKEND = redis_db(13 - 3 * TEST_RUN_SLOT)
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/min", "user": "100000/min"}
STATIC_ROOT = REPO_ROOT / ".data" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploads of a test run stay in its slot's own folder (tests that check files on disk point
# MEDIA_ROOT at a temporary directory of their own).
MEDIA_ROOT = str(REPO_ROOT / ".data" / "media" / f"test-{TEST_RUN_SLOT}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # the archive's locations (base.py; tests point them at a folder of their own)
    **{name: STORAGES[name] for name in ARCHIVE_LOCATIONS},  # noqa: F405
}
# Identity (issue #6): a fixed subject-index key; SSO_ISSUER etc. are set per test.
SSO_SUBJECT_HASH_KEY = "test-only-sso-subject-key"
# Tests switch schools, clear the cache and recreate hosts between tests: no in-process
# host cache here (tests/tenants/test_host_cache.py turns it on where it is tested).
TENANT_LOCAL_CACHE_SECONDS = 0.0
