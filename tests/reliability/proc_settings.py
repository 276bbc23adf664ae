"""Settings for the real processes the reliability tests start (gunicorn, Celery workers).

They share the test run's database (EDUJOURNAL_TEST_DB, optionally reached through a
proxy: EDUJOURNAL_TEST_DB_HOST/PORT) and talk to the test's own redis-server (REDIS_URL,
CELERY_BROKER_URL, CELERY_RESULT_BACKEND from the environment). They do not import
config.settings.test: that module claims a test slot, which the parent run holds.

EDUJOURNAL_TEST_NOW puts the process on the test run's clock (time-machine, ticking), so
"today" is the same day in the test and in the server.
"""

from __future__ import annotations

import datetime as dt
import os

from config.settings.base import *  # noqa: F403
from config.settings.base import CELERY_BROKER_TRANSPORT_OPTIONS as base_transport_options
from config.settings.base import DATABASES, REST_FRAMEWORK
from core.env import REPO_ROOT

SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["NAME"] = os.environ["EDUJOURNAL_TEST_DB"]
if os.environ.get("EDUJOURNAL_TEST_DB_HOST"):
    DATABASES["default"]["HOST"] = os.environ["EDUJOURNAL_TEST_DB_HOST"]
    DATABASES["default"]["PORT"] = os.environ.get("EDUJOURNAL_TEST_DB_PORT", "")
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/min", "user": "100000/min"}
STATIC_ROOT = REPO_ROOT / ".data" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SSO_SUBJECT_HASH_KEY = "test-only-sso-subject-key"
if os.environ.get("EDUJOURNAL_TASK_PAUSE_AFTER_COMMIT"):
    TASK_PAUSE_AFTER_COMMIT_SECONDS = float(os.environ["EDUJOURNAL_TASK_PAUSE_AFTER_COMMIT"])

if os.environ.get("EDUJOURNAL_VISIBILITY_TIMEOUT"):
    # A killed worker's task comes back in seconds, not an hour.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **base_transport_options,
        "visibility_timeout": int(os.environ["EDUJOURNAL_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }

if os.environ.get("EDUJOURNAL_TEST_NOW"):
    import time_machine

    time_machine.travel(
        dt.datetime.fromisoformat(os.environ["EDUJOURNAL_TEST_NOW"]), tick=True
    ).start()

# Archive (issue #14): the two storage locations and the signing key from the environment
# (base.py reads them); fault injection before a package's commit.
import config.settings.base as base_settings  # noqa: E402

STORAGES.update(
    {name: base_settings.STORAGES[name] for name in ("archive_primary", "archive_secondary")}
)
if os.environ.get("EDUJOURNAL_ARCHIVE_PAUSE"):
    ARCHIVE_PAUSE_BEFORE_COMMIT_SECONDS = float(os.environ["EDUJOURNAL_ARCHIVE_PAUSE"])

# Beat singleton test (issue #17): one entry every second, sent to a school's probe.
if os.environ.get("EDUJOURNAL_BEAT_PROBE_SCHEMA"):
    CELERY_BEAT_SCHEDULE = {
        "probe-every-second": {
            "task": "tenants.school_probe",
            "schedule": 1.0,
            "options": {"headers": {"_schema_name": os.environ["EDUJOURNAL_BEAT_PROBE_SCHEMA"]}},
        }
    }

# Processes of different test modules reuse hosts within seconds: no in-process host cache
# (tests/tenants/test_host_cache.py tests it).
TENANT_LOCAL_CACHE_SECONDS = float(os.environ.get("TENANT_LOCAL_CACHE_SECONDS", "0") or 0)
