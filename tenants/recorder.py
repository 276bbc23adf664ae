"""`django_migrations` found by one index lookup, not by listing every relation (#17, TEN-2).

Django's `MigrationRecorder.has_table()` asks the introspection for the names of all the
tables the connection sees and looks for `django_migrations` among them. With
django-tenants that list is a scan of `pg_class`, whose size grows with every school
(~360 relations each): 0.25 s at 1,000 schools, paid about four times per school by
every `migrate` (django-tenants' `ensure_schema`, the loader, the consistency check, the
executor), so migrating all schools cost O(schools²). The same question is answered
here by `to_regclass()` on the name qualified with the connection's schema — an index
lookup, constant in the number of schools — with the answer Django's own check gives:
the table exists in the schema the connection is set to (django-tenants lists the
tables of that schema alone, never public's).
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.recorder import MigrationRecorder

_listing_has_table = MigrationRecorder.has_table


def _has_table(recorder: MigrationRecorder) -> bool:
    self: Any = recorder  # `_has_table`, Django's own memo of a found table, is untyped
    if self._has_table:
        return True
    connection: Any = self.connection
    schema = getattr(connection, "schema_name", None)
    if connection.vendor != "postgresql" or not schema:
        return _listing_has_table(self)
    quote = connection.ops.quote_name
    name = f"{quote(schema)}.{quote(self.Migration._meta.db_table)}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        self._has_table = bool(cursor.fetchone()[0])
    return self._has_table


def install() -> None:
    MigrationRecorder.has_table = _has_table  # type: ignore[method-assign,assignment]
