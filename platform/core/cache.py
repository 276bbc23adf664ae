"""The municipality-wide cache: entries that belong to no school.

School data is cached through the default cache, whose keys carry the connection's
schema (`django_tenants.cache.make_key`). Entries about the platform itself (host →
school lookups, adopted rules per school) must be the same for every process whatever
schema its connection is on, so they live in the `platform` alias, whose key function
writes them exactly as `make_key` would under the public schema.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.cache import BaseCache, caches

PUBLIC_SCHEMA = "public"


def public_key(key: str, key_prefix: str, version: Any) -> str:
    """`django_tenants.cache.make_key` with the schema fixed to public."""
    return f"{PUBLIC_SCHEMA}:{key_prefix}:{version}:{key}"


def platform_cache() -> BaseCache:
    return cast(BaseCache, caches["platform"])
