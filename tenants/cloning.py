"""Fast cloning of the base schema into a new school's schema.

django-tenants' `clone_schema` is a general PL/pgSQL function that rediscovers the
whole catalogue for every table on every call (about 5 ms a table here). Our base
schema only changes when migrations run, so we read its structure once per process
(per version of the base) and replay it as one batch of SQL:

1. tables with `LIKE ... INCLUDING` defaults, identity, generated columns, CHECK
   constraints, storage and comments;
2. the base's rows (content types, permissions, role groups, migration records);
3. primary keys, unique and exclusion constraints, then the other indexes, under their
   original names (later migrations drop and rename them by name);
4. foreign keys, functions (pgtrigger's), triggers;
5. identity sequences moved past the copied rows.

Anything the base schema holds that this does not know how to copy (views, standalone
sequences, types, domains) makes `prepare_clone` fail loudly rather than produce a
school with a piece missing. `tests/tenants/test_cloning.py` compares a clone with the
base, object by object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class ClonePlan:
    base: str
    version: tuple[int, int]
    tables: tuple[str, ...]
    data_tables: tuple[str, ...]
    after_data: tuple[str, ...]
    identity_columns: tuple[tuple[str, str], ...]

    def statements(self, dest: str) -> list[str]:
        quoted = _quote(dest)

        def place(sql: str) -> str:
            return retarget(sql, self.base, quoted)

        source = _quote(self.base)
        out = [f"CREATE SCHEMA {quoted}"]
        out += [
            f"CREATE TABLE {quoted}.{_quote(t)} (LIKE {source}.{_quote(t)} "
            "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS "
            "INCLUDING STORAGE INCLUDING COMMENTS)"
            for t in self.tables
        ]
        out += [
            f"INSERT INTO {quoted}.{_quote(t)} SELECT * FROM {source}.{_quote(t)}"  # noqa: S608
            for t in self.data_tables
        ]
        out += [place(s) for s in self.after_data]
        for table, column in self.identity_columns:
            if table in self.data_tables:
                target = f"{quoted}.{_quote(table)}"
                top = f"max({_quote(column)})"
                sequence = f"pg_get_serial_sequence('{target}', '{column}')"
                # Names come from the catalogue and a validated schema name, all quoted.
                setval = "SELECT setval({}, {}) FROM {} HAVING {} IS NOT NULL"
                out.append(setval.format(sequence, top, target, top))
        return out


class UnsupportedBaseSchema(RuntimeError):
    """The base schema holds an object kind that cloning does not copy."""


_cache: dict[str, ClonePlan] = {}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def retarget(sql: str, base: str, quoted_dest: str) -> str:
    # Definitions from pg_get_*def qualify names of the (unsearched) base schema as
    # `base.` or `"base".`; nothing else in a definition carries that prefix.
    pattern = rf'(?<![\w"]){re.escape(base)}\.|"{re.escape(base)}"\.'
    return re.sub(pattern, quoted_dest + ".", sql)


def _version(cursor: object, base: str) -> tuple[int, int]:
    cursor.execute(  # type: ignore[attr-defined]
        f"SELECT count(*), coalesce(max(id), 0) FROM {_quote(base)}.django_migrations"  # noqa: S608
    )
    count, top = cursor.fetchone()  # type: ignore[attr-defined]
    return int(count), int(top)


def prepare_clone(base: str) -> ClonePlan:
    """Read the base schema's structure (cached until its migrations change)."""
    with connection.cursor() as cursor:
        version = _version(cursor, base)
        cached = _cache.get(base)
        if cached is not None and cached.version == version:
            return cached

        cursor.execute(
            """
            SELECT c.relkind, c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind NOT IN ('r', 'i', 'S')
            UNION ALL
            SELECT 'S', s.relname FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
            WHERE n.nspname = %s AND s.relkind = 'S' AND NOT EXISTS (
                SELECT 1 FROM pg_depend d WHERE d.objid = s.oid AND d.deptype = 'i')
            UNION ALL
            SELECT 'type', t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = %s AND t.typtype IN ('e', 'd', 'r', 'm')
               OR (n.nspname = %s AND t.typtype = 'c' AND t.typrelid = 0)
            """,
            [base, base, base, base],
        )
        unsupported = cursor.fetchall()
        if unsupported:
            raise UnsupportedBaseSchema(
                f"the base schema {base} holds objects cloning does not copy: {unsupported}"
            )

        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname
            """,
            [base],
        )
        tables = [row[0] for row in cursor.fetchall()]
        data_tables = []
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(base)}.{_quote(table)})")  # noqa: S608
            if cursor.fetchone()[0]:
                data_tables.append(table)

        cursor.execute(
            """
            SELECT cl.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con
            JOIN pg_class cl ON cl.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = cl.relnamespace
            WHERE n.nspname = %s AND con.contype IN ('p', 'u', 'x', 'f')
            ORDER BY con.contype = 'f', cl.relname, con.conname
            """,
            [base],
        )
        constraints = cursor.fetchall()
        keys = [
            f"ALTER TABLE {_quote(base)}.{_quote(t)} ADD CONSTRAINT {_quote(name)} {definition}"
            for t, name, kind, definition in constraints
            if kind != "f"
        ]
        foreign = [
            f"ALTER TABLE {_quote(base)}.{_quote(t)} ADD CONSTRAINT {_quote(name)} {definition}"
            for t, name, kind, definition in constraints
            if kind == "f"
        ]

        cursor.execute(
            """
            SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = ic.relnamespace
            WHERE n.nspname = %s
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY ic.relname
            """,
            [base],
        )
        indexes = [row[0] for row in cursor.fetchall()]

        cursor.execute(
            """
            SELECT pg_get_functiondef(p.oid) FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = %s AND p.prokind IN ('f', 'p') ORDER BY p.proname
            """,
            [base],
        )
        functions = [row[0] for row in cursor.fetchall()]

        cursor.execute(
            """
            SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND NOT t.tgisinternal ORDER BY c.relname, t.tgname
            """,
            [base],
        )
        triggers = [row[0] for row in cursor.fetchall()]

        cursor.execute(
            """
            SELECT c.relname, a.attname FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'r' AND a.attidentity IN ('a', 'd')
            """,
            [base],
        )
        identity = tuple((t, col) for t, col in cursor.fetchall())

    plan = ClonePlan(
        base=base,
        version=version,
        tables=tuple(tables),
        data_tables=tuple(data_tables),
        after_data=tuple(keys + indexes + foreign + functions + triggers),
        identity_columns=identity,
    )
    _cache[base] = plan
    return plan


def clone_schema(base: str, dest: str) -> None:
    """Create schema `dest` as a copy of `base`, structure and rows, in the caller's transaction."""
    plan = prepare_clone(base)
    with connection.cursor() as cursor:
        # One round trip: psycopg sends a parameterless multi-statement string as is.
        cursor.execute(";\n".join(plan.statements(dest)))
