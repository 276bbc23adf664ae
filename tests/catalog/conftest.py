"""Catalog fixtures: the seeded default regulation, drafts, a school's own users."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from catalog.models import RegulationVersion
from catalog.seed import DEFAULT_REGULATION_CODE, DEFAULT_VERSIONS


@pytest.fixture
def default_version(db: None) -> RegulationVersion:
    """The latest seeded version of the default regulation (published by the data
    migrations): what new schools adopt at onboarding."""
    return RegulationVersion.objects.get(
        template__code=DEFAULT_REGULATION_CODE, number=DEFAULT_VERSIONS[-1]["number"]
    )


@pytest.fixture
def published_v2(default_version: RegulationVersion, operator: Any) -> RegulationVersion:
    """Version 2 of the default regulation: printouts fortnightly (002), published."""
    from catalog import services

    version = services.regulation_version_create(
        template=default_version.template,
        by=operator,
        title="Редакция 2",
        rules={"parent_printout_days": 14, "mark_entry_deadline_hours": 48},
    )
    return services.regulation_version_publish(version=version, by=operator)


@pytest.fixture
def department_client(public_client: APIClient, department_user: Any) -> APIClient:
    public_client.force_authenticate(department_user)
    return public_client


def school_client(schema: str, username: str = "admin") -> APIClient:
    """A client on the school's own host, signed in as one of its users."""
    from accounts.models import User

    with schema_context(schema):
        user = User.objects.get(username=username)
    client = APIClient(HTTP_HOST=f"{schema}.localhost")
    client.force_authenticate(user)
    return client
