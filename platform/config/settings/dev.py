"""Local development and `make demo`: embedded or given servers, plain HTTP on localhost."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403
from core.env import REPO_ROOT, env
from core.sentry import init_sentry

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY") or "dev-only-insecure-key-not-for-production"
init_sentry()
STATIC_ROOT = REPO_ROOT / ".data" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = env("MEDIA_ROOT") or str(REPO_ROOT / ".data" / "media")
# No collectstatic step for the demo: plain storage, files found in the apps by whitenoise.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # the archive's locations (base.py; tests point them at a folder of their own)
    **{name: STORAGES[name] for name in ARCHIVE_LOCATIONS},  # noqa: F405
}
# `demo_code` prints demo users' second-factor codes; never set in production.
DEMO_TOOLS = True
