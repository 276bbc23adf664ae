"""pytest: real PostgreSQL and Redis; Redis databases of their own so a demo can run beside."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, REST_FRAMEWORK, redis_db

SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast in tests only
CACHES["default"]["LOCATION"] = redis_db(11)
CACHES["default"]["KEY_PREFIX"] = "test"
CELERY_BROKER_URL = redis_db(10)
CELERY_RESULT_BACKEND = redis_db(12)
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/min", "user": "100000/min"}
