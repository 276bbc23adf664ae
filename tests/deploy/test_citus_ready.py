"""Ready for Citus schema-based sharding (issue #18, TEN-1; docs/operations.md, "The path to
Citus"): each school's schema can become a distributed schema, moved whole to a worker node,
because

1. every primary and foreign key column of a school table is 64-bit (bigint) -- a school's
   ids never run out, whatever node its schema lives on;
2. no foreign key goes from a school's table to another schema (public or another school):
   Citus refuses foreign keys from a distributed schema's tables to tables outside it;
3. no statement touches two schools' schemas: a distributed schema lives on one node, and a
   join of two schools would be a query Citus does not route.

The checks read the real catalogue and the real statements; each is shown failing on a
planted violation (a throwaway model with a foreign key to a public model; a throwaway
32-bit key; a query joining two schools), inside the test's transaction, rolled back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext, isolate_apps
from django_tenants.utils import schema_context

from tenants.models import School

BASE = settings.TENANT_BASE_SCHEMA

KEY_COLUMNS = """
    SELECT DISTINCT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (con.conkey)
    WHERE n.nspname = %s AND con.contype IN ('p', 'f')
      AND a.atttypid IN ('int2'::regtype, 'int4'::regtype)
    ORDER BY 1, 2"""
FOREIGN_KEYS_OUT = """
    SELECT c.relname, con.conname, tn.nspname || '.' || t.relname
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_class t ON t.oid = con.confrelid
    JOIN pg_namespace tn ON tn.oid = t.relnamespace
    WHERE n.nspname = %s AND con.contype = 'f' AND tn.nspname <> n.nspname
    ORDER BY 1, 2"""


def narrow_keys(schema: str) -> list[tuple[str, str, str]]:
    """(table, column, type) of every 16/32-bit primary or foreign key column."""
    with connection.cursor() as cursor:
        cursor.execute(KEY_COLUMNS, [schema])
        return [tuple(row) for row in cursor.fetchall()]


def foreign_keys_out_of(schema: str) -> list[tuple[str, str, str]]:
    """(table, constraint, referenced schema.table) of every foreign key leaving the schema."""
    with connection.cursor() as cursor:
        cursor.execute(FOREIGN_KEYS_OUT, [schema])
        return [tuple(row) for row in cursor.fetchall()]


SET_PATH = re.compile(r"^\s*SET\s+search_path\s+=\s+(.*)$", re.IGNORECASE | re.DOTALL)


def statements_spanning_schools(statements: Iterable[str], schools: set[str]) -> list[str]:
    """The statements that would touch two school schemas: a name qualified with one school
    while the search path is on another, or names of two schools in one statement."""
    spanning, on_path = [], None
    for sql in statements:
        named = {s for s in schools if re.search(rf'(?<![\w"])"?{re.escape(s)}"?\.', sql)}
        path = SET_PATH.match(sql)
        if path:
            on = {
                s for s in schools if re.search(rf'(?<![\w"])"?{re.escape(s)}"?(?![\w"])', path[1])
            }
            if len(on) > 1:
                spanning.append(sql)
            on_path = next(iter(on), None)
            continue
        if len(named | ({on_path} if on_path else set())) > 1:
            spanning.append(sql)
    return spanning


def school_schemas() -> list[str]:
    return [
        BASE,
        *School.objects.exclude(schema_name="public").values_list("schema_name", flat=True),
    ]


# ---------------------------------------------------------------------------------- keys


def test_every_key_of_every_school_table_is_64_bit_ten1(school1: Any, school2: Any) -> None:
    for schema in school_schemas():
        assert narrow_keys(schema) == [], schema


def test_the_key_check_catches_a_planted_32_bit_key(school1: Any) -> None:
    with isolate_apps("tests"):

        class PlantedCounter(models.Model):  # noqa: DJ008 - a throwaway table
            id = models.AutoField(primary_key=True)

            class Meta:
                app_label = "tests"
                db_table = "planted_counter"

        with schema_context(school1.schema_name), connection.schema_editor() as editor:
            editor.create_model(PlantedCounter)
    assert narrow_keys(school1.schema_name) == [("planted_counter", "id", "integer")]
    assert narrow_keys(BASE) == []


# ------------------------------------------------------------------------- foreign keys


def test_no_foreign_key_leaves_a_school_schema_ten1(school1: Any, school2: Any) -> None:
    for schema in school_schemas():
        assert foreign_keys_out_of(schema) == [], schema


def test_the_foreign_key_check_catches_a_planted_key_to_a_public_model(
    school1: Any, school2: Any
) -> None:
    """A throwaway school model pointing at a public model (the catalogue's School row, as a
    careless "which school is this" column would): created in the school's schema, the
    foreign key resolves to public.tenants_school and the check names it."""
    with isolate_apps("tests"):

        class PlantedNote(models.Model):  # noqa: DJ008 - a throwaway table
            school = models.ForeignKey(School, models.PROTECT)

            class Meta:
                app_label = "tests"
                db_table = "planted_note"

        with schema_context(school1.schema_name), connection.schema_editor() as editor:
            editor.create_model(PlantedNote)
    found = foreign_keys_out_of(school1.schema_name)
    assert [(table, target) for table, _, target in found] == [
        ("planted_note", "public.tenants_school")
    ]
    assert foreign_keys_out_of(school2.schema_name) == []


# ------------------------------------------------------------------------------ queries


def _signed_in(schema: str, host: str, user: Any) -> Client:
    client = Client(HTTP_HOST=host)
    with schema_context(schema):
        client.force_login(user)
    return client


PAGES = ["/", "/teacher/today/", "/journals/", "/diary/", "/api/v1/me/", "/api/v1/roster/pupils/"]


def test_no_statement_touches_two_schools_on_interleaved_pages_ten1(
    school1: Any, school2: Any, department_user: Any, operator: Any
) -> None:
    """The pages of two schools and of the public host, interleaved on one connection: the
    search path moves from school to school, and no statement reaches a second school."""
    from tests.world import build_world

    worlds = {}
    for school in (school1, school2):
        with schema_context(school.schema_name):
            worlds[school.schema_name] = build_world()
    clients = []
    for school in (school1, school2):
        w = worlds[school.schema_name]
        host = f"{school.schema_name}.localhost"
        for persona in ("teacher", "director", "parent"):
            clients.append(_signed_in(school.schema_name, host, w.users[persona]))
    department = Client(HTTP_HOST="localhost")
    department.force_login(department_user)
    console = Client(HTTP_HOST="localhost")
    console.force_login(operator)

    statuses = []
    with CaptureQueriesContext(connection) as captured:
        for path in PAGES:
            for client in clients:
                statuses.append(client.get(path).status_code)
            statuses.append(department.get("/department/").status_code)
            statuses.append(console.get("/console/").status_code)
    sql = [q["sql"] for q in captured.captured_queries]
    schools = set(school_schemas())
    assert statuses.count(200) >= len(PAGES) * 3  # the pages were served, not refused
    assert sum(1 for s in sql if SET_PATH.match(s) and "school1" in s) >= len(PAGES)
    assert sum(1 for s in sql if SET_PATH.match(s) and "school2" in s) >= len(PAGES)
    assert statements_spanning_schools(sql, schools) == []


def test_the_query_check_catches_a_planted_join_of_two_schools(school1: Any, school2: Any) -> None:
    with schema_context(school1.schema_name), CaptureQueriesContext(connection) as captured:
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT count(*) FROM accounts_user u JOIN "school2".accounts_user v '
                "ON v.username = u.username"
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM accounts_user")
    sql = [q["sql"] for q in captured.captured_queries]
    spanning = statements_spanning_schools(sql, set(school_schemas()))
    assert len(spanning) == 1 and '"school2".accounts_user' in spanning[0]


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (['SET search_path = "school1", public', "SELECT 1 FROM x"], 0),
        (['SET search_path = "school1", "school2", public'], 1),
        (['SET search_path = "school1", public', 'SELECT 1 FROM "school2".x'], 1),
        (["SET search_path = public", 'SELECT 1 FROM "school1".x JOIN school2.y ON true'], 1),
        (["SET search_path = public", 'SELECT 1 FROM "school1".x'], 0),
    ],
)
def test_spanning_rule(statements: list[str], expected: int) -> None:
    assert len(statements_spanning_schools(statements, {"school1", "school2"})) == expected
