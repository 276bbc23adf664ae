"""Reads of the tenant registry, with the host lookup cached."""

from __future__ import annotations

import threading
import time

from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from core.cache import platform_cache
from tenants.models import Domain, School

_MISSING = "__no_school__"
NEGATIVE_TTL = 60
# While Redis is unreachable, each process keeps what it read from PostgreSQL for this
# long, so an outage does not turn every request into a domain query (TEN-3). Short, because
# a suspension made meanwhile reaches this process only when the entry expires.
LOCAL_TTL = 10.0
_local: dict[str, tuple[float, School | None]] = {}
_local_lock = threading.Lock()


def _local_get(hostname: str) -> tuple[bool, School | None]:
    with _local_lock:
        entry = _local.get(hostname)
    if entry is None or entry[0] < time.monotonic():
        return False, None
    return True, entry[1]


def _local_put(hostname: str, school: School | None, ttl: float = LOCAL_TTL) -> None:
    with _local_lock:
        if len(_local) > 10_000:  # random hosts cannot grow it without bound
            _local.clear()
        _local[hostname] = (time.monotonic() + ttl, school)


def _host_key(hostname: str) -> str:
    return f"tenant-host:{hostname.lower()}"


def school_for_host(hostname: str) -> School | None:
    """The school (or the public site) serving `hostname`, from the cache when warm.

    Cached in Redis in the platform cache (public's key space), so every web process shares the
    entry and an onboarding or status change invalidates it everywhere at once
    (`school_cache_invalidate`). Unknown hosts are cached briefly too, so a flood of
    random hosts does not reach the database.

    When Redis is down the platform cache answers misses (core.cache_backends) and the
    lookup falls back to PostgreSQL, remembered in-process for `LOCAL_TTL` seconds while the
    cache's circuit breaker is open. While Redis is up, a found entry is also kept
    in-process for `TENANT_LOCAL_CACHE_SECONDS` (2 s): an invalidation reaches the other
    processes that much later (this one at once).
    """
    from django.conf import settings

    cache = platform_cache()
    hostname = hostname.lower()
    key = _host_key(hostname)
    degraded = not getattr(cache, "available", True)
    # Issue #17: each request's Redis round trip and unpickling was most of the tenancy's
    # cost on a light view; a hot entry is kept in-process for TENANT_LOCAL_CACHE_SECONDS.
    hot = float(getattr(settings, "TENANT_LOCAL_CACHE_SECONDS", 0) or 0)
    if degraded or hot > 0:
        found, school = _local_get(hostname)
        if found:
            return school
    cached = cache.get(key)
    if isinstance(cached, School):
        if hot > 0:
            _local_put(hostname, cached, hot)
        return cached
    if cached == _MISSING:
        if hot > 0:
            _local_put(hostname, None, hot)
        return None
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    tenant = domain.tenant if domain is not None else None
    if degraded or not getattr(cache, "available", True):
        _local_put(hostname, tenant)
    elif hot > 0:
        _local_put(hostname, tenant, hot)
    if tenant is None:
        cache.set(key, _MISSING, NEGATIVE_TTL)
        return None
    cache.set(key, tenant, settings.TENANT_CACHE_SECONDS)
    return tenant


def school_cache_invalidate(*, hostnames: list[str]) -> None:
    """Forget the cached lookups of these hosts (call after commit)."""
    with _local_lock:
        for hostname in hostnames:
            _local.pop(hostname.lower(), None)
    platform_cache().delete_many([_host_key(h) for h in hostnames])


def school_list(*, include_public: bool = False) -> QuerySet[School]:
    qs = School.objects.prefetch_related("domains").order_by("slug")
    if not include_public:
        qs = qs.exclude(schema_name=get_public_schema_name())
    return qs
