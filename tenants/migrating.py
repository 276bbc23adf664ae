"""Migrating many school schemas: in parallel, one school at a time per process (#17, TEN-2).

Each school is migrated by Django's own `migrate` (through django-tenants'
`run_migrations`, which points the connection at the school and closes the connection
afterwards, so a worker process never holds more than one school's catalogue cache).
A school that fails is reported and the others go on; the run exits non-zero. Every
migration commits on its own (PostgreSQL DDL is transactional), so a run that was
killed leaves each school at a consistent migration state, and the next run finds the
schools still behind (`tenants.schema_state`) and finishes them: that is the resume.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections


@dataclass(frozen=True)
class SchoolOutcome:
    schema: str
    missing: int  # migrations the school lacked when the run started
    seconds: float
    error: str = ""


def _migrate_options(verbosity: int) -> dict[str, Any]:
    from django_tenants.utils import get_tenant_base_migrate_command_class

    command = get_tenant_base_migrate_command_class()()
    parser = command.create_parser("manage.py", "migrate")
    # Checks ran once at the start of platform_migrate; per school they cost ~0.3 s.
    return vars(parser.parse_args(["--noinput", "--skip-checks", "-v", str(verbosity)]))


def migrate_one(job: tuple[str, int, int]) -> SchoolOutcome:
    """Bring one school up to date (runs in a pool process or in the caller)."""
    from django_tenants.migration_executors.base import run_migrations

    schema, missing, verbosity = job
    started = time.perf_counter()
    try:
        run_migrations((), _migrate_options(verbosity), "platform", schema, allow_atomic=False)
    except Exception as exc:  # one school's failure must not stop the others
        for alias in connections:
            connections[alias].close()
        error = f"{type(exc).__name__}: {exc}".strip()
        if verbosity >= 2:
            error += "\n" + traceback.format_exc()
        return SchoolOutcome(schema, missing, time.perf_counter() - started, error)
    return SchoolOutcome(schema, missing, time.perf_counter() - started)


def _outcomes(jobs: list[tuple[str, int, int]], processes: int) -> Iterator[SchoolOutcome]:
    if processes <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield migrate_one(job)
        return
    # Children inherit the parent's loaded apps (fork); the parent's connection must not be
    # shared with them.
    for alias in connections:
        connections[alias].close()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=processes) as pool:
        yield from pool.imap_unordered(migrate_one, jobs, chunksize=1)


def migrate_schools(
    behind: dict[str, int],
    *,
    processes: int,
    verbosity: int = 0,
    report: Callable[[int, int, SchoolOutcome], None] | None = None,
) -> list[SchoolOutcome]:
    """Migrate the schools in `behind` ({schema: missing}); outcomes in completion order."""
    order: Sequence[str] = sorted(behind)
    jobs = [(schema, behind[schema], max(0, verbosity - 1)) for schema in order]
    done: list[SchoolOutcome] = []
    for outcome in _outcomes(jobs, processes):
        done.append(outcome)
        if report:
            report(len(done), len(jobs), outcome)
    return done
