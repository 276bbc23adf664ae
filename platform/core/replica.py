"""An optional read replica (issue #18; docs/operations.md, "Read replica").

With `DATABASE_REPLICA_URL` set, `DATABASES["replica"]` is a streaming replica of the
primary. The department's statistics and the schools' heavy reports read there; nothing
else does, and every write goes to the primary (`default`). Unset, there is no `replica`
alias and this router never answers: everything uses `default`, as before.

Which reads: the ones made inside `replica_reads()` -- the department's selectors and the
reports' computation enter it (`@replica_reads()` on the selector). They read data that may
lag the primary by the replica's delay (the rollups are nightly; a report states the moment
of its data), never a row the same request has just written and must see.

The schema: django-tenants keeps the search path per connection (alias). The request's
school is set on `default` by the tenant middleware; when a read is routed to the replica,
its connection is put on the same school (`set_tenant`), so the replica's `SET search_path`
names the same school as the primary's -- a school's report reads that school's tables.

A replica that cannot be reached is not an outage: the read falls back to the primary, and
the replica is left untried for REPLICA_RETRY_SECONDS (a warning is logged once per
failure). A replica that dies in the middle of a query fails that request like any database
error (503 with Retry-After, core/outage.py); the next request falls back.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

REPLICA = "replica"
logger = logging.getLogger(__name__)
_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)
_down_until = [0.0]

F = TypeVar("F", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class replica_reads:
    """Reads inside go to the replica (when there is one); writes still go to the primary."""

    def __enter__(self) -> None:
        self._token = _wanted.set(True)

    def __exit__(self, *exc: object) -> None:
        _wanted.reset(self._token)

    def __call__(self, function: F) -> F:
        @wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with replica_reads():
                return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def _replica_usable() -> bool:
    if time.monotonic() < _down_until[0]:
        return False
    replica, primary = connections[REPLICA], connections[DEFAULT_DB_ALIAS]
    # The replica's connection reads the request's school (see the module's docstring).
    if replica.schema_name != primary.schema_name:  # type: ignore[attr-defined]
        replica.set_tenant(primary.tenant)  # type: ignore[attr-defined]
    try:
        replica.ensure_connection()
    except OperationalError as error:
        retry = float(getattr(settings, "REPLICA_RETRY_SECONDS", 30))
        _down_until[0] = time.monotonic() + retry
        logger.warning("read replica unreachable, reading from the primary for %ss: %s",
                       retry, type(error).__name__)  # fmt: skip
        return False
    return True


class ReplicaRouter:
    """First in DATABASE_ROUTERS; answers None (no opinion) except for replica reads."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not (_wanted.get() and replica_configured()):
            return None
        return REPLICA if _replica_usable() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases are the same database: a row read on the replica may be related to
        # one read on the primary.
        databases = {obj1._state.db, obj2._state.db}
        return True if databases <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica replays the primary's migrations; nothing migrates it directly.
        return False if db == REPLICA else None
