"""A PostgreSQL backend's memory against the number of school schemas it touched (#17).

Run: PYTHONPATH=.:platform DATABASE_URL=postgresql://postgres@127.0.0.1:5432/edujournal_bench \
     .venv/bin/python bench/backend_memory.py [--schools 1000] [--recycle 50]

Needs a database with synthetic schools (`municipality_synth --schools 1000`; see
bench/migrate_many.py, which makes `edujournal_bench`) and root (to read the backends'
/proc/<pid>/smaps_rollup). Part 1: one fresh connection touches 1, 100, 1,000 schools, either
the ten tables a page reads or every table of the school; memory is read after each step:
the backend's private memory (Private_Clean + Private_Dirty of smaps_rollup, what the
backend holds for itself; RSS would count the shared buffers it read) and
pg_backend_memory_contexts (all contexts; CacheMemoryContext and its children). Part 2: a
real fan-out: a Celery worker (the project's app, solo pool, its own redis-server) runs
`department.rollup_school` for every school sent by `tenants.for_each_school`, with the
connection recycled every --recycle schools; the worker's backends are sampled every
0.2 s and the peak is reported (target <= 150 MiB). Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

PAGE_TABLES = [
    "accounts_user",
    "roster_pupil",
    "roster_guardianlink",
    "structure_academicyear",
    "structure_reportingperiod",
    "structure_classgroup",
    "structure_subject",
    "structure_teachingassignment",
    "register_lesson",
    "register_mark",
]
MIB = 1024 * 1024


def private_bytes(pid: int) -> tuple[int, int]:
    """(private, rss) bytes of a process from /proc/<pid>/smaps_rollup."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1].isdigit():
                fields[parts[0].rstrip(":")] = int(parts[1]) * 1024
    return fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0), fields.get("Rss", 0)


def contexts(cursor: object) -> tuple[int, int]:
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT sum(total_bytes), sum(total_bytes) FILTER (WHERE name = 'CacheMemoryContext' "
        "OR parent = 'CacheMemoryContext') FROM pg_backend_memory_contexts"
    )
    total, cache = cursor.fetchone()  # type: ignore[attr-defined]
    return int(total), int(cache or 0)


def touch(schemas: list[str], steps: list[int], mode: str) -> list[dict[str, float]]:
    import psycopg

    out = []
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        cur = conn.cursor()
        pid = int(one(cur, "SELECT pg_backend_pid()"))  # type: ignore[call-overload]
        cur.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND relkind = 'r' ORDER BY relname",
            [schemas[0]],
        )
        tables = PAGE_TABLES if mode == "page" else [r[0] for r in cur.fetchall()]
        base_private, _ = private_bytes(pid)
        base_total, base_cache = contexts(cur)
        done = 0
        for step in steps:
            for schema in schemas[done:step]:
                cur.execute(f'SET search_path = "{schema}"')
                for table in tables:
                    cur.execute(f'SELECT * FROM "{table}" LIMIT 1')  # noqa: S608
                    cur.fetchall()
            done = step
            cur.execute("SET search_path = public")
            private, rss = private_bytes(pid)
            total, cache = contexts(cur)
            out.append(
                {
                    "schools": step,
                    "tables_per_school": len(tables),
                    "private_mib": round(private / MIB, 1),
                    "rss_mib": round(rss / MIB, 1),
                    "contexts_mib": round(total / MIB, 1),
                    "cache_context_mib": round(cache / MIB, 1),
                    "growth_kib_per_school": round((private - base_private) / 1024 / step, 1),
                    "contexts_growth_kib_per_school": round((total - base_total) / 1024 / step, 1),
                }
            )
    del base_cache
    return out


def one(conn: object, sql: str, params: list[object] | None = None) -> object:
    """The first column of the single row a query returns."""
    row = conn.execute(sql, params).fetchone()  # type: ignore[attr-defined]
    assert row is not None
    return row[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fan_out(recycle: int, timeout: float) -> dict[str, float]:
    """A real worker runs every school's rollup; the peak of its backends' memory."""
    import psycopg

    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    redis_url = f"redis://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        PYTHONPATH=f"{ROOT}:{ROOT / 'platform'}",
        REDIS_URL=f"{redis_url}/0",
        CELERY_BROKER_URL=f"{redis_url}/0",
        CELERY_RESULT_BACKEND=f"{redis_url}/2",
        DB_RECYCLE_AFTER_SCHOOLS=str(recycle),
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        PGAPPNAME="bench-memory-worker",  # libpq: tells the worker's backends apart
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-c",
            "1",
            "--loglevel",
            "WARNING",
            "-n",
            f"bench-memory-{port}@localhost",
        ],
        cwd=ROOT / "platform",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(4)
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            schools = int(
                one(  # type: ignore[call-overload]
                    conn,
                    "SELECT count(*) FROM tenants_school WHERE schema_name <> 'public' "
                    "AND status = 'active'",
                )
            )
            started = one(conn, "SELECT now()")
            send = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import django; django.setup(); from tenants.tasks import for_each_school; "
                    "print(len(for_each_school.apply_async(args=['department.rollup_school'], "
                    "headers={'_schema_name': 'public'}).get(timeout=120)))",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if send.returncode:
                raise SystemExit(send.stderr)
            me = one(conn, "SELECT pg_backend_pid()")
            peak_private = peak_rss = 0
            pids: set[int] = set()
            deadline = time.monotonic() + timeout
            done = 0
            while time.monotonic() < deadline:
                for (pid,) in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = 'bench-memory-worker' AND pid <> %s",
                    [me],
                ).fetchall():
                    try:
                        private, rss = private_bytes(pid)
                    except OSError:
                        continue
                    pids.add(pid)
                    peak_private, peak_rss = max(peak_private, private), max(peak_rss, rss)
                done = int(
                    one(  # type: ignore[call-overload]
                        conn,
                        "SELECT count(*) FROM department_rolluprun WHERE finished_at >= %s",
                        [started],
                    )
                )
                if done >= schools:
                    break
                time.sleep(0.2)
            elapsed = time.monotonic() - (deadline - timeout)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
        redis.send_signal(signal.SIGTERM)
        redis.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "schools": schools,
        "done": done,
        "recycle_every": recycle,
        "seconds": round(elapsed, 1),
        "backends_seen": len(pids),
        "peak_private_mib": round(peak_private / MIB, 1),
        "peak_rss_mib": round(peak_rss / MIB, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--recycle", type=int, default=50)
    parser.add_argument("--no-fan-out", action="store_true")
    args = parser.parse_args()
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        schemas = [
            r[0]
            for r in conn.execute(
                "SELECT schema_name FROM tenants_school WHERE schema_name <> 'public' "
                "ORDER BY schema_name LIMIT %s",
                [args.schools],
            ).fetchall()
        ]
    steps = [s for s in (1, 100, 1000, args.schools) if s <= len(schemas)]
    steps = sorted(set(steps))
    result: dict[str, object] = {"bench": "backend_memory", "schools": len(schemas)}
    for mode in ("page", "full"):
        rows = touch(schemas, steps, mode)
        print(f"one connection touching the {mode} tables of N schools:")
        for row in rows:
            print(
                f"  {row['schools']:>5} schools x {row['tables_per_school']} tables: "
                f"private {row['private_mib']:7.1f} MiB (+{row['growth_kib_per_school']} KiB a "
                f"school), contexts {row['contexts_mib']:7.1f} MiB "
                f"(CacheMemoryContext {row['cache_context_mib']} MiB), rss {row['rss_mib']} MiB"
            )
        result[mode] = rows
    if not args.no_fan_out:
        fan = fan_out(args.recycle, timeout=1800)
        print(
            f"fan-out: {fan['done']}/{fan['schools']} school rollups by one worker in "
            f"{fan['seconds']} s, connection recycled every {fan['recycle_every']} schools: "
            f"{fan['backends_seen']} backends, peak private {fan['peak_private_mib']} MiB "
            f"(target <= 150), peak rss {fan['peak_rss_mib']} MiB"
        )
        result["fan_out"] = fan
    print(json.dumps(result))


if __name__ == "__main__":
    main()
