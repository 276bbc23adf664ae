"""#17, TEN-2: `MigrationRecorder.has_table()` (tenants/recorder.py) answers by an index
lookup in the connection's own schema: the same answer as Django's listing of the
schema's tables, without scanning every school's relations in pg_class."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection as default_connection
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext

from tenants import recorder

EMPTY = "recorder_empty"
connection: Any = default_connection  # django-tenants' wrapper: set_schema(), schema_name


@pytest.fixture
def empty_schema(db: None) -> Iterator[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{EMPTY}"')
    yield EMPTY
    connection.set_schema_to_public()


def _answers(schema: str, *, include_public: bool) -> tuple[bool, bool, list[str]]:
    """(this module's answer, Django's listing answer, the SQL this module ran)."""
    connection.set_schema(schema, include_public=include_public)
    with CaptureQueriesContext(connection) as queries:
        fast = MigrationRecorder(connection).has_table()
    listed = recorder._listing_has_table(MigrationRecorder(connection))
    return fast, listed, [q["sql"] for q in queries.captured_queries]


def test_the_recorder_is_installed() -> None:
    assert MigrationRecorder.has_table is recorder._has_table


@pytest.mark.parametrize("include_public", [False, True])
def test_a_school_with_its_migrations_table(school1: Any, include_public: bool) -> None:
    fast, listed, sql = _answers(school1.schema_name, include_public=include_public)
    assert (fast, listed) == (True, True)
    # django-tenants sets the search path first; then the one lookup, no pg_class scan.
    assert sql == [
        'SET search_path = "school1"' + (',"public"' if include_public else ""),
        'SELECT to_regclass(\'"school1"."django_migrations"\') IS NOT NULL',
    ]


@pytest.mark.parametrize("include_public", [False, True])
def test_a_schema_without_one_is_not_answered_by_publics(
    empty_schema: str, include_public: bool
) -> None:
    """Public has django_migrations and is on the search path: it must not count, or
    django-tenants would record a new school's migrations in public's table."""
    fast, listed, _ = _answers(empty_schema, include_public=include_public)
    assert (fast, listed) == (False, False)


def test_public_itself(db: None) -> None:
    connection.set_schema_to_public()
    assert MigrationRecorder(connection).has_table() is True
