"""Page tests: the journal's small school year (tests/world.py) seen through pages.

`page_client(persona)` is a Django test client signed in on school1's host.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tests.world import World, make_user, school2_client  # noqa: F401

SSO_BACKEND = "accounts.backends.SsoSessionBackend"


def learner_backend(user: Any) -> str | None:
    """Parents and pupils sign in through Госуслуги (the identity issue): their sessions come
    from the SSO hand-over, which needs the school-side link. Call inside the schema."""
    from django.conf import settings

    if SSO_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        return None
    if not user.groups.filter(name__in=["parent", "pupil"]).exists():
        return None
    from journal.identity.models import ExternalIdentity

    ExternalIdentity.objects.get_or_create(
        user=user,
        defaults={"subject_hash": f"test-{user.pk:08d}".ljust(64, "0"), "method": "invitation"},
    )
    return SSO_BACKEND


def signed_in(user: Any, schema: str = "school1") -> Client:
    client = Client(HTTP_HOST=f"{schema}.localhost")
    with schema_context(schema):
        client.force_login(user, backend=learner_backend(user))
    return client


@pytest.fixture
def page_client(world: World) -> Callable[[str], Client]:
    def build(persona: str) -> Client:
        return signed_in(world.users[persona])

    return build


@pytest.fixture
def school2_user(school2: Any) -> Callable[[str], Client]:
    """A client of a school2 user with the given role (ids of school1 mean nothing there)."""

    def build(role: str) -> Client:
        with schema_context("school2"):
            user = make_user(f"{role}2", role)
        return signed_in(user, "school2")

    return build
