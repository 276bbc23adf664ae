"""Reads of the tenant registry, with the host lookup cached."""

from __future__ import annotations

from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from core.cache import platform_cache
from tenants.models import Domain, School

_MISSING = "__no_school__"
NEGATIVE_TTL = 60


def _host_key(hostname: str) -> str:
    return f"tenant-host:{hostname.lower()}"


def school_for_host(hostname: str) -> School | None:
    """The school (or the public site) serving `hostname`, from the cache when warm.

    Cached in Redis in the platform cache (public's key space), so every web process shares the
    entry and an onboarding or status change invalidates it everywhere at once
    (`school_cache_invalidate`). Unknown hosts are cached briefly too, so a flood of
    random hosts does not reach the database.
    """
    from django.conf import settings

    cache = platform_cache()
    key = _host_key(hostname)
    cached = cache.get(key)
    if isinstance(cached, School):
        return cached
    if cached == _MISSING:
        return None
    domain = Domain.objects.select_related("tenant").filter(domain=hostname.lower()).first()
    if domain is None:
        cache.set(key, _MISSING, NEGATIVE_TTL)
        return None
    cache.set(key, domain.tenant, settings.TENANT_CACHE_SECONDS)
    return domain.tenant


def school_cache_invalidate(*, hostnames: list[str]) -> None:
    """Forget the cached lookups of these hosts (call after commit)."""
    platform_cache().delete_many([_host_key(h) for h in hostnames])


def school_list(*, include_public: bool = False) -> QuerySet[School]:
    qs = School.objects.prefetch_related("domains").order_by("slug")
    if not include_public:
        qs = qs.exclude(schema_name=get_public_schema_name())
    return qs
