"""The demo's settings without tenant resolution, for bench/peak.py's tenancy overhead only:
the same processes and views, minus the tenant middleware (no host lookup, no per-request
search_path); every request runs on the public schema with the public host's URLconf."""

from config.settings.dev import *  # noqa: F403
from config.settings.dev import MIDDLEWARE

MIDDLEWARE = [m for m in MIDDLEWARE if m != "tenants.middleware.CachedTenantMiddleware"]
ROOT_URLCONF = "config.urls_public"
