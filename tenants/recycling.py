"""Bounded PostgreSQL backends: a connection is closed after it has served K schools (#17).

A PostgreSQL backend keeps the catalogue cache of every relation it has opened for as long
as it lives (about 1.24 MiB for a school whose every table was touched, ~0.3 MiB for the
ten tables a page uses; bench/backend_memory.py). A web or Celery process serves any
school, so a persistent connection would grow with the number of schools it met. Each
process therefore counts the distinct schools its current connection has worked in and
closes the connection once that reaches `DB_RECYCLE_AFTER_SCHOOLS` (K); Django opens a
fresh one on the next query.

- Celery workers: after each task (`task_postrun`), for the task's school. Celery's own
  Django fixup would close the connection around every task (a connect per task); with
  CELERY_DB_REUSE_MAX set it leaves that to us: before and after each task Django's
  `close_old_connections()` drops a broken or too old connection, as it does around each
  web request, and the count closes it after K schools.
- Web processes: after each request (`request_finished`), for the request's school, at
  `DB_RECYCLE_AFTER_SCHOOLS_WEB` (a page reads a tenth of a school's tables, so a web
  connection may serve more schools in the same memory; with school-affinity routing a
  web pod serves that many schools at most and its connections stay warm).
- Loops over schools inside one process (commands, operator pages): `each_school()`.

Never inside a transaction: a connection in an atomic block is left alone (the count goes
on, and it is closed at the first chance).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tenants.utils import get_public_schema_name, schema_context

_seen = threading.local()


def recycle_after(kind: str = "task") -> int:
    """K for a worker or command ("task") or for a web process ("web")."""
    if kind == "web":
        web = getattr(settings, "DB_RECYCLE_AFTER_SCHOOLS_WEB", None)
        if web:
            return max(1, int(web))
    return max(1, int(getattr(settings, "DB_RECYCLE_AFTER_SCHOOLS", 50)))


def _raw() -> Any:
    return connection.connection  # None while closed


def schools_on_connection() -> int:
    """Distinct schools the current connection of this thread has served."""
    state = getattr(_seen, "state", None)
    if state is None or state[0] is not _raw() or _raw() is None:
        return 0
    return len(state[1])


def note_school(schema: str | None, kind: str = "task") -> bool:
    """Count `schema` against this thread's connection; close it at K. True if closed."""
    raw = _raw()
    if raw is None:
        _seen.state = None
        return False
    state = getattr(_seen, "state", None)
    if state is None or state[0] is not raw:
        state = (raw, set[str]())
        _seen.state = state
    if schema and schema != get_public_schema_name():
        state[1].add(schema)
    if len(state[1]) < recycle_after(kind) or connection.in_atomic_block:
        return False
    connection.close()
    _seen.state = None
    return True


def each_school(schemas: Iterable[str]) -> Iterator[str]:
    """Enter each school's schema in turn, recycling the connection every K schools."""
    for schema in schemas:
        with schema_context(schema):
            yield schema
        note_school(schema)


def _eager(task: Any) -> bool:
    """Run in the caller's thread (apply(), eager mode): its connection is the caller's."""
    return bool(getattr(getattr(task, "request", None), "is_eager", False))


def _before_task(sender: Any = None, task: Any = None, **kwargs: Any) -> None:
    if not _eager(task or sender):
        close_old_connections()


def _after_task(sender: Any = None, task: Any = None, **kwargs: Any) -> None:
    from tenant_schemas_celery.app import get_schema_name_from_task

    task = task or sender
    if _eager(task):
        return
    close_old_connections()
    try:
        schema = get_schema_name_from_task(task, None)
    except AttributeError:
        schema = None
    note_school(schema or getattr(connection, "schema_name", None))


def _after_request(sender: Any = None, **kwargs: Any) -> None:
    note_school(getattr(connection, "schema_name", None), "web")


def connect_signals() -> None:
    from celery.signals import task_postrun, task_prerun
    from django.core.signals import request_finished

    task_prerun.connect(_before_task, weak=False, dispatch_uid="tenants_recycle_task_pre")
    task_postrun.connect(_after_task, weak=False, dispatch_uid="tenants_recycle_task")
    request_finished.connect(_after_request, weak=False, dispatch_uid="tenants_recycle_request")
