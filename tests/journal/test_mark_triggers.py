"""MRK-2: marks are append-only in PostgreSQL itself, in every school (cloned schemas too)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context


@pytest.mark.parametrize("schema", ["school1", "school2"])
@pytest.mark.parametrize("table", ["register_mark", "register_markcorrection", "audit_accesslog"])
def test_append_only_triggers_exist_in_cloned_school_mrk2(
    school1: Any, schema: str, table: str
) -> None:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
            [schema, table],
        )
        names = {row[0] for row in cursor.fetchall()}
    assert any("no_update_delete" in n for n in names), names
    assert any("no_truncate" in n for n in names), names
