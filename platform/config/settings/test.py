"""pytest: real PostgreSQL and Redis; Redis databases of their own so a demo can run beside."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, DATABASES, REST_FRAMEWORK, redis_db
from core.env import REPO_ROOT, env

SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast in tests only
# Concurrent test runs on one machine (e.g. two checkouts) keep apart with TEST_RUN_SLOT
# 0..2: their own test database and their own Redis databases.
_slot = int(env("TEST_RUN_SLOT", "0") or 0)
DATABASES["default"]["TEST"] = {"NAME": f"test_edujournal_{_slot}"}
CACHES["default"]["LOCATION"] = redis_db(11 - 3 * _slot)
CELERY_BROKER_URL = redis_db(10 - 3 * _slot)
CELERY_RESULT_BACKEND = redis_db(12 - 3 * _slot)
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/min", "user": "100000/min"}
STATIC_ROOT = REPO_ROOT / ".data" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
