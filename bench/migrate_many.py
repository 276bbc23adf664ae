"""platform_migrate at many schools (#17): the no-op, and one new migration for every school.

Run: PYTHONPATH=.:platform DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
     .venv/bin/python bench/migrate_many.py [--small 100] [--large 1000] [--runs 5] [--no-apply]

Uses two databases of its own, `edujournal_bench100` (N = small) and `edujournal_bench`
(N = large), created and migrated if missing and filled with `municipality_synth` (kept for
the next run; drop them with `municipality_synth --drop` or DROP DATABASE). Per database:
the median wall time of a no-op `platform_migrate` (in-process, after start-up) and of the
whole command as a fresh process. For the large one: a throwaway tenant migration
(bench/throwaway, via bench/migration_settings.py) applied to every school with 1 and with
2 processes; its table and records are removed after each run. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def db_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def env_for(name: str, settings: str = "config.settings.dev") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=f"{ROOT}:{ROOT / 'platform'}",
        DATABASE_URL=db_url(name),
        DJANGO_SETTINGS_MODULE=settings,
    )
    return env


def manage(name: str, *args: str, settings: str = "config.settings.dev") -> str:
    out = subprocess.run(
        [PY, "platform/manage.py", *args, "--skip-checks"],
        cwd=ROOT,
        env=env_for(name, settings),
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def ensure(name: str, schools: int) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(name, "platform_migrate", "-v", "0")
    print(f"  {name}: {manage(name, 'municipality_synth', '--schools', str(schools)).strip()}")


def child(mode: str, runs: int, processes: int) -> None:
    """Runs inside DATABASE_URL's database; prints one JSON line."""
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tenants.schema_state import school_schemas

    schools = len(school_schemas())
    if mode == "noop":
        times = []
        for _ in range(runs):
            connection.close()
            start = time.perf_counter()
            call_command("platform_migrate", verbosity=0)
            times.append(time.perf_counter() - start)
        print(json.dumps({"schools": schools, "noop_s": statistics.median(times)}))
        return
    start = time.perf_counter()
    call_command("platform_migrate", verbosity=0, processes=processes)
    wall = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'bench_throwaway_note' AND c.relkind = 'r'"
        )
        tables = cursor.fetchone()[0]
    print(json.dumps({"schools": schools, "apply_s": wall, "tables": tables}))


def throwaway_remove(name: str) -> None:
    import psycopg

    with psycopg.connect(db_url(name), autocommit=True) as conn:
        schemas = [
            r[0]
            for r in conn.execute(
                "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
                "WHERE c.relname = 'django_migrations'"
            ).fetchall()
        ]
        for start in range(0, len(schemas), 50):
            with conn.transaction():
                for s in schemas[start : start + 50]:
                    q = f'"{s}"'
                    conn.execute(f"DROP TABLE IF EXISTS {q}.bench_throwaway_note")
                    conn.execute(
                        f"DELETE FROM {q}.django_migrations WHERE app = 'bench_throwaway'"  # noqa: S608
                    )
                    has_ct = conn.execute(
                        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = %s AND c.relname = 'django_content_type'",
                        [s],
                    ).fetchone()
                    if has_ct:
                        conn.execute(
                            f"DELETE FROM {q}.auth_permission WHERE content_type_id IN "  # noqa: S608
                            f"(SELECT id FROM {q}.django_content_type "
                            "WHERE app_label = 'bench_throwaway')"
                        )
                        conn.execute(
                            f"DELETE FROM {q}.django_content_type "  # noqa: S608
                            "WHERE app_label = 'bench_throwaway'"
                        )


def run_child(name: str, *args: str, settings: str = "config.settings.dev") -> dict[str, float]:
    out = subprocess.run(
        [PY, __file__, "--child", *args],
        cwd=ROOT,
        env=env_for(name, settings),
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"child {args} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs="*")
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-apply", action="store_true")
    parser.add_argument("--no-noop", action="store_true", help="only the new migration")
    parser.add_argument("--apply-on", default="edujournal_bench", help="database for it")
    parser.add_argument("--apply-processes", default="2,1", help="e.g. 2,1")
    args = parser.parse_args()
    if args.child is not None:
        mode, runs, processes = args.child[0], int(args.child[1]), int(args.child[2])
        child(mode, runs, processes)
        return

    result: dict[str, object] = {"bench": "migrate_many"}
    noop = {}
    for name, n in (("edujournal_bench100", args.small), ("edujournal_bench", args.large)):
        if args.no_noop:
            break
        print(f"{name}: {n} synthetic schools")
        ensure(name, n)
        measured = run_child(name, "noop", str(args.runs), "1")
        start = time.perf_counter()
        manage(name, "platform_migrate", "-v", "0")
        process_s = time.perf_counter() - start
        schools = int(measured["schools"])
        per_school_ms = measured["noop_s"] / schools * 1000
        noop[schools] = measured["noop_s"]
        print(
            f"  no-op platform_migrate at {schools} schools: median {measured['noop_s']:.3f} s "
            f"in-process = {per_school_ms:.2f} ms a school; as a fresh process {process_s:.2f} s"
        )
        key = "small" if n == args.small else "large"
        result[f"{key}_schools"] = schools
        result[f"{key}_noop_s"] = round(measured["noop_s"], 4)
        result[f"{key}_noop_ms_per_school"] = round(per_school_ms, 3)
        result[f"{key}_process_s"] = round(process_s, 3)
    if not args.no_noop:
        small, large = result["small_noop_ms_per_school"], result["large_noop_ms_per_school"]
        assert isinstance(small, float) and isinstance(large, float)
        result["per_school_ratio"] = round(large / small, 3)
        (n1, t1), (n2, t2) = sorted(noop.items())
        result["marginal_ms_per_school"] = round((t2 - t1) / (n2 - n1) * 1000, 3)
        print(
            f"  per-school ratio {args.large} vs {args.small}: {result['per_school_ratio']} "
            f"(target <= 1.2); marginal cost {result['marginal_ms_per_school']} ms a school"
        )

    if not args.no_apply:
        name = args.apply_on
        result["apply_on"] = name
        for processes in [int(p) for p in args.apply_processes.split(",")]:
            throwaway_remove(name)
            applied = run_child(
                name, "apply", "1", str(processes), settings="bench.migration_settings"
            )
            print(
                f"  one new migration on {applied['schools']} schools with {processes} "
                f"process(es): {applied['apply_s']:.1f} s "
                f"({applied['apply_s'] / applied['schools'] * 1000:.0f} ms a school); "
                f"tables made {applied['tables']}"
            )
            assert applied["tables"] >= applied["schools"] + 1  # every school and the base
            result[f"apply_{processes}p_s"] = round(applied["apply_s"], 2)
            result["apply_schools"] = applied["schools"]
            throwaway_remove(name)
        if "apply_1p_s" in result and "apply_2p_s" in result:
            speedup = result["apply_1p_s"] / result["apply_2p_s"]  # type: ignore[operator]
            result["apply_speedup"] = round(speedup, 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
