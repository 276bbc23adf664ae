"""The dev settings plus bench/throwaway (a tenant app with one migration), for
bench/migrate_many.py's "one new migration applied to every school"."""

from config.settings.dev import *  # noqa: F403
from config.settings.dev import INSTALLED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "bench.throwaway"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench.throwaway"]
