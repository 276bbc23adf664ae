"""The in-process host cache in front of Redis (issue #17, TEN-1): a hot host is resolved
without Redis or PostgreSQL for TENANT_LOCAL_CACHE_SECONDS; an invalidation in this
process drops it at once; with the setting at 0 every lookup goes to the shared cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from core.cache import platform_cache
from tenants import selectors
from tenants.selectors import school_cache_invalidate, school_for_host

HOST = "school1.localhost"


@pytest.fixture(autouse=True)
def _empty_local_cache() -> Iterator[None]:
    selectors._local.clear()
    yield
    selectors._local.clear()


def _schema(host: str) -> str | None:
    school = school_for_host(host)
    return school.schema_name if school is not None else None


def _forget_in_redis() -> None:
    platform_cache().delete(selectors._host_key(HOST))


def test_a_hot_host_needs_neither_redis_nor_the_database(
    school1: Any, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.TENANT_LOCAL_CACHE_SECONDS = 60
    assert _schema(HOST) == "school1"
    _forget_in_redis()  # only the process's own entry is left
    with django_assert_num_queries(0):
        assert _schema(HOST) == "school1"
    assert platform_cache().get(selectors._host_key(HOST)) is None  # Redis was not refilled


def test_invalidation_drops_the_local_entry_at_once(
    school1: Any, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.TENANT_LOCAL_CACHE_SECONDS = 60
    school_for_host(HOST)
    school_cache_invalidate(hostnames=[HOST])
    with django_assert_num_queries(1):  # the domain query: nothing cached anywhere
        assert _schema(HOST) == "school1"


def test_unknown_hosts_are_kept_locally_too(
    db: None, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.TENANT_LOCAL_CACHE_SECONDS = 60
    assert school_for_host("nowhere.localhost") is None
    platform_cache().delete(selectors._host_key("nowhere.localhost"))
    with django_assert_num_queries(0):
        assert school_for_host("nowhere.localhost") is None


def test_without_the_local_cache_every_lookup_asks_the_shared_one(
    school1: Any, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.TENANT_LOCAL_CACHE_SECONDS = 0
    school_for_host(HOST)
    _forget_in_redis()
    with django_assert_num_queries(1):
        assert _schema(HOST) == "school1"
    assert selectors._local == {}
