"""Provisioning a school: cloning the base schema vs running every migration.

Run: make bench  (or: PYTHONPATH=.:platform .venv/bin/python bench/provision.py [runs])
Creates throwaway schemas `bench_*` in the configured database and drops them.
Prints the medians and their ratio; the last line is JSON for scripts.

With `--at-scale` (#17) it also measures onboarding (the whole `school_create`, rolled
back) in a database with 10 synthetic schools (`edujournal_bench10`) and in one with
1,000 (`edujournal_bench`), both made by `municipality_synth` if missing (see
bench/migrate_many.py), and reports the ratio (target <= 1.2).
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


def onboarding_only(runs: int) -> None:
    """Child of --at-scale: onboarding medians in this process's database, as JSON."""
    from tenants.models import School

    full_onboarding(0)  # warm: the clone plan is read once per process
    times = [full_onboarding(i) for i in range(runs)]
    schools = School.objects.exclude(schema_name="public").count()
    print(json.dumps({"schools": schools, "onboard_s": statistics.median(times)}))


def at_scale(runs: int) -> dict[str, float]:
    import subprocess
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    figures: dict[str, float] = {}
    for name, n in (("edujournal_bench10", 10), ("edujournal_bench", 1000)):
        url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))
        env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=f"{ROOT}:{ROOT / 'platform'}")
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        for args in (["platform_migrate", "-v", "0"], ["municipality_synth", "--schools", str(n)]):
            subprocess.run(
                [sys.executable, "platform/manage.py", *args, "--skip-checks"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        out = subprocess.run(
            [sys.executable, __file__, "--onboarding-only", str(runs)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        got = json.loads(out.stdout.strip().splitlines()[-1])
        figures[f"onboard_at_{got['schools']}_s"] = round(got["onboard_s"], 4)
        print(
            f"  onboarding with {got['schools']} schools present: "
            f"median {got['onboard_s'] * 1000:.1f} ms"
        )
    small, large = figures.values()
    figures["onboard_scale_ratio"] = round(large / small, 3)
    print(
        f"  onboarding at 1,000 / at 10 schools: {figures['onboard_scale_ratio']} (target <= 1.2)"
    )
    return figures


def main() -> None:
    if "--onboarding-only" in sys.argv:
        onboarding_only(int(sys.argv[sys.argv.index("--onboarding-only") + 1]))
        return
    scale = "--at-scale" in sys.argv
    argv = [a for a in sys.argv[1:] if a != "--at-scale"]
    runs = int(argv[0]) if argv else 5
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
    scaled = at_scale(runs) if scale else {}
    print(
        json.dumps(
            {
                **scaled,
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
