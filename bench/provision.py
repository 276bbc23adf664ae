"""Provisioning a school: cloning the base schema vs running every migration.

Run: make bench  (or: PYTHONPATH=.:platform .venv/bin/python bench/provision.py [runs])
Creates throwaway schemas `bench_*` in the configured database and drops them.
Prints the medians and their ratio; the last line is JSON for scripts.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_tenants.clone import CloneSchema  # noqa: E402

from tenants.cloning import clone_schema  # noqa: E402
from tenants.services import base_schema_is_current, school_create  # noqa: E402


def drop(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def by_clone(schema: str) -> float:
    start = time.perf_counter()
    with transaction.atomic():
        clone_schema(settings.TENANT_BASE_SCHEMA, schema)
    return time.perf_counter() - start


def by_generic_clone(schema: str) -> float:
    """django-tenants' PL/pgSQL clone_schema, for comparison."""
    start = time.perf_counter()
    with transaction.atomic():
        CloneSchema().clone_schema(
            settings.TENANT_BASE_SCHEMA, schema, "DATA", set_connection=False
        )
    return time.perf_counter() - start


def by_migrations(schema: str) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    return time.perf_counter() - start


def full_onboarding(n: int) -> float:
    """The whole `school_create` service (clone + domain + first admin), rolled back."""
    start = time.perf_counter()
    with transaction.atomic():
        school_create(
            slug=f"bench-full-{n}",
            name="Школа для замера",
            short_name="Замер",
            inn="3662010013",
            admin_email="bench@example.invalid",
        )
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    call_command("platform_migrate", skip_schools=True, verbosity=0)
    assert base_schema_is_current()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
            [settings.TENANT_BASE_SCHEMA],
        )
        tables = cursor.fetchone()[0]

    clone_times: list[float] = []
    generic_times: list[float] = []
    migrate_times: list[float] = []
    full_times: list[float] = []
    for i in range(runs):
        for fn, bucket, name in (
            (by_clone, clone_times, f"bench_clone_{i}"),
            (by_generic_clone, generic_times, f"bench_generic_{i}"),
            (by_migrations, migrate_times, f"bench_migrate_{i}"),
        ):
            drop(name)
            bucket.append(fn(name))
            drop(name)
        full_times.append(full_onboarding(i))

    clone_s = statistics.median(clone_times)
    generic_s = statistics.median(generic_times)
    migrate_s = statistics.median(migrate_times)
    full_s = statistics.median(full_times)
    ratio = clone_s / migrate_s
    print(f"school schema: {tables} tables; {runs} runs each")
    print(f"  clone of the base schema   median {clone_s * 1000:8.1f} ms")
    print(f"  django-tenants clone_schema median {generic_s * 1000:7.1f} ms")
    print(f"  running all migrations     median {migrate_s * 1000:8.1f} ms")
    print(f"  full onboarding (service)  median {full_s * 1000:8.1f} ms")
    print(f"  clone / migrations ratio   {ratio:.3f}  (target <= 0.15)")
    print(
        json.dumps(
            {
                "bench": "provision",
                "runs": runs,
                "tables": tables,
                "clone_s": round(clone_s, 4),
                "generic_clone_s": round(generic_s, 4),
                "migrate_s": round(migrate_s, 4),
                "onboard_s": round(full_s, 4),
                "ratio": round(ratio, 4),
            }
        )
    )


if __name__ == "__main__":
    main()
