"""Test helper: a school adopts a new version of its regulation that changes some rules."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import get_public_schema_name, schema_context

from catalog import services
from catalog.models import RegulationVersion, SchoolAdoption
from catalog.selectors import rules_cache_invalidate


def adopt_rules(schema: str, **changes: Any) -> RegulationVersion:
    """Publish a new version of the school's adopted template with `changes` over its
    current version and adopt it in that school only (TPL-1). The cached rules are dropped
    at once (the test's transaction never commits, so the on-commit drop would not run)."""
    with schema_context(get_public_schema_name()):
        adoption = SchoolAdoption.objects.select_related("regulation_version", "school").get(
            school__schema_name=schema
        )
        base = adoption.regulation_version
        draft = services.regulation_version_create(
            template=base.template,
            based_on=base,
            by=None,
            title=f"{base.title} (изменения: {', '.join(sorted(changes))})",
            rules=changes,
        )
        version = services.regulation_version_publish(version=draft, by=None)
        services.school_adopt(school=adoption.school, regulation_version=version, by=None)
    rules_cache_invalidate(schema_names=[schema])
    return version
