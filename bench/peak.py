"""The morning peak (issue #17, TEN-2, AVL-1): an authenticated read mix against gunicorn
with the demo's settings, spread over few schools and over many, then a 10× burst; and the
cost of tenant resolution on a trivial view.

Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres PYTHONPATH=.:platform \
     .venv/bin/python bench/peak.py [--small 10] [--large 1000] [--users 6] [--seconds 30]

It uses the synthetic municipality in the bench database (BENCH_DATABASE, default
`edujournal_bench`, made by `municipality_synth --schools N`); with fewer than --large
schools there it takes all there are and says so. A redis-server of its own; gunicorn with
infra/gunicorn.conf.py and config.settings.dev (as `make demo` runs it); locust headless
(FastHttpUser, bench/peak_locustfile.py) on loopback. Sessions are opened in the database
for each school's parent (diary) and teacher (today page, a journal grid, start page), as
their sign-in would leave them.

Phases, each bounded by --seconds and --max-requests: the mix over --small schools, over
--large schools, and a burst of 10× the users over --large schools. Every response is
checked: 200, and it names its own school ("synthNNNN", the school's marker) and no other.
Then the tenancy overhead: /healthz and /readyz (SELECT 1 and a Redis ping) on a school's
host, against the same views served by the same gunicorn with the tenant middleware removed
(bench/notenancy_settings.py) on the public host. The last line is JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import _procs  # noqa: E402

SSO_BACKEND = "accounts.backends.SsoSessionBackend"
PASSWORD_BACKEND = "accounts.backends.PasswordBackend"  # noqa: S105 - a class path
PHASES = ("small", "large", "large2", "small2", "burst")
WORK = Path(tempfile.mkdtemp(prefix="bench-peak-"))


def _session(user: Any, backend: str) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:  # signed in with the second factor
        store["otp_device_id"] = device.persistent_id
    store.create()
    return str(store.session_key)


def school_targets(schools: list[Any]) -> list[dict[str, Any]]:
    """Each school's host, slug and per page (path, session cookie)."""
    from django_tenants.utils import schema_context

    from accounts.models import User
    from journal.identity.models import ExternalIdentity
    from journal.structure.models import TeachingAssignment

    targets = []
    for school in schools:
        with schema_context(school.schema_name):
            parent = User.objects.get(username="synth_parent")
            ExternalIdentity.objects.get_or_create(
                user=parent,
                defaults={
                    "subject_hash": f"bench-peak-{parent.pk:08d}".ljust(64, "0"),
                    "method": "invitation",
                },
            )
            teacher = User.objects.get(username="synth_teacher1")
            assignment = (
                TeachingAssignment.objects.filter(teacher__user=teacher).order_by("pk").first()
            )
            assert assignment is not None, school.slug
            parent_cookie = _session(parent, SSO_BACKEND)
            teacher_cookie = _session(teacher, PASSWORD_BACKEND)
        targets.append(
            {
                "host": school.domains.get(is_primary=True).domain,
                "slug": school.slug,
                "marker": True,
                "pages": {
                    "diary": ["/diary/", parent_cookie],
                    "today": ["/teacher/today/", teacher_cookie],
                    "grid": [f"/journals/{assignment.pk}/", teacher_cookie],
                    "start": ["/", teacher_cookie],
                },
            }
        )
    return targets


def locust(
    name: str,
    targets: list[dict[str, Any]],
    port: int,
    *,
    users: int,
    seconds: int,
    max_requests: int,
    only: str = "",
) -> dict[str, Any]:
    """One headless locust run; its totals, per-page figures and failures."""
    import subprocess

    target_file = WORK / f"{name}.json"
    target_file.write_text(json.dumps(targets), encoding="utf-8")
    prefix = WORK / name
    env = dict(os.environ)
    env.update(PEAK_TARGETS=str(target_file), PEAK_MAX_REQUESTS=str(max_requests))
    env["PEAK_ONLY"] = only
    subprocess.run(
        [
            str(_procs.BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "peak_locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        env=env,
        check=False,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(WORK / f"{name}.locust.log").open("wb"),
    )
    rows = list(csv.DictReader((prefix.parent / f"{prefix.name}_stats.csv").open()))
    failures = list(csv.DictReader((prefix.parent / f"{prefix.name}_failures.csv").open()))
    pages = {
        row["Name"]: {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "median_ms": float(row["Median Response Time"]),
            "p95_ms": float(row["95%"]),
            "rps": round(float(row["Requests/s"]), 1),
        }
        for row in rows
    }
    total = pages.pop("Aggregated")
    foreign = sum(int(f["Occurrences"]) for f in failures if "FOREIGN" in f["Error"])
    return {
        "schools": len(targets),
        "users": users,
        **total,
        "foreign": foreign,
        "errors": {f["Error"]: int(f["Occurrences"]) for f in failures},
        "pages": pages,
    }


def web_backend_mib() -> float:
    """The largest private memory (MiB) of the bench database's other client backends, i.e.
    the gunicorn workers' connections (needs root to read /proc/<pid>/smaps_rollup)."""
    from backend_memory import MIB, private_bytes
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        pids = [int(row[0]) for row in cursor.fetchall()]
    sizes = []
    for pid in pids:
        try:
            sizes.append(private_bytes(pid)[0])
        except OSError:  # ended meanwhile, or not ours to read
            continue
    return round(max(sizes, default=0) / MIB, 1)


def gunicorn(env: dict[str, str], log: Path) -> tuple[Any, int]:
    options = ["--config", str(ROOT / "infra" / "gunicorn.conf.py")]
    server = _procs.start_gunicorn(
        env, log, [*options, "--access-logfile", "/dev/null"], host="localhost",
        ready_timeout=90, log_mode="ab",
    )  # fmt: skip
    return server.process, server.port


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--users", type=int, default=6)
    parser.add_argument("--burst", type=int, default=10, help="burst users = users × this")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--max-requests", type=int, default=30000)
    parser.add_argument("--tenancy-rounds", type=int, default=3)
    parser.add_argument(
        "--groups",
        type=int,
        default=1,
        help="web groups (gunicorns) with each school pinned to one, as an ingress hashing "
        "the host does (school affinity); 1: one gunicorn for every school",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers in all")
    parser.add_argument("--warmup-seconds", type=int, default=10)
    args = parser.parse_args()

    redis_server = _procs.RedisServer().start()
    try:
        return run(args, redis_server)
    finally:
        redis_server.stop()


def run(args: argparse.Namespace, redis_server: _procs.RedisServer) -> int:
    env = _procs.process_env(redis_server.url)
    for key in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        os.environ[key] = env[key]

    import django

    django.setup()
    from tenants.models import School

    available = list(
        School.objects.filter(slug__regex=r"^synth\d{4}$", status=School.Status.ACTIVE)
        .order_by("slug")
        .prefetch_related("domains")
    )
    large_n = min(args.large, len(available))
    if large_n < args.large:
        print(
            f"note: {_procs.BENCH_DATABASE} has {len(available)} synthetic schools, not "
            f"{args.large}: the large run is over {large_n}"
        )
    if large_n <= args.small:
        raise SystemExit("too few synthetic schools: run municipality_synth --schools N")
    started = time.perf_counter()
    targets = school_targets(available[:large_n])
    print(f"sessions for {large_n} schools in {time.perf_counter() - started:.1f} s")
    small, large = targets[: args.small], targets

    results: dict[str, Any] = {}
    groups = max(1, args.groups)
    group_env = {**env, "GUNICORN_WORKERS": str(max(1, args.workers // groups))}
    web = []
    memory: dict[str, float] = {}
    try:
        for n in range(groups):
            web.append(gunicorn(group_env, WORK / f"gunicorn-{n}.log"))
        port = web[0][1]
        if groups > 1:
            # School i goes to group i mod groups: as balanced as a hash over many schools,
            # and as balanced for the few (an uneven split would slow the few, not the many).
            for i, target in enumerate(targets):
                target["base"] = f"http://127.0.0.1:{web[i % groups][1]}"
        bound = {"seconds": args.seconds, "max_requests": args.max_requests}
        locust(
            "warmup",
            large,
            port,
            users=args.users,
            seconds=args.warmup_seconds,
            max_requests=args.max_requests,
        )
        # ABBA: few, many, many, few schools, so a drift of the machine's load cancels out.
        results["small"] = locust("small", small, port, users=args.users, **bound)
        results["large"] = locust("large", large, port, users=args.users, **bound)
        results["large2"] = locust("large2", large, port, users=args.users, **bound)
        memory["after_large"] = web_backend_mib()
        results["small2"] = locust("small2", small, port, users=args.users, **bound)
        results["burst"] = locust("burst", large, port, users=args.users * args.burst, **bound)
        memory["after_burst"] = web_backend_mib()
    finally:
        for process, _ in web:
            _procs.stop(process)
    for target in targets:
        target.pop("base", None)
    # Tenancy overhead: the same views, with tenant resolution (a school's host) and without
    # (bench/notenancy_settings.py, the public host), both gunicorns up, runs alternated.
    trivial = [
        {
            "host": t["host"],
            "slug": t["slug"],
            "marker": False,
            "pages": {"healthz": ["/healthz", ""], "readyz": ["/readyz", ""]},
        }
        for t in small
    ]
    public = [{**trivial[0], "host": "localhost", "slug": ""}]
    plain_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.notenancy_settings"}
    tenant_proc, tenant_port = gunicorn(env, WORK / "gunicorn-tenant.log")
    try:
        plain_proc, plain_port = gunicorn(plain_env, WORK / "gunicorn-plain.log")
        try:
            seconds = max(5, args.seconds // 3)
            for view in ("healthz", "readyz"):
                runs: dict[str, list[float]] = {"tenant": [], "plain": []}
                for round_ in range(args.tenancy_rounds + 1):
                    for kind, where, port in (
                        ("tenant", trivial, tenant_port),
                        ("plain", public, plain_port),
                    ):
                        result = locust(
                            f"{kind}_{view}_{round_}",
                            where,
                            port,
                            only=view,
                            users=args.users,
                            seconds=seconds,
                            max_requests=args.max_requests,
                        )
                        assert result["failures"] == 0, result["errors"]
                        if round_:  # round 0 warms both up
                            runs[kind].append(float(result["rps"]))
                results[f"tenancy_{view}"] = runs
        finally:
            _procs.stop(plain_proc)
    finally:
        _procs.stop(tenant_proc)

    def rps(name: str) -> float:
        return float(results[name]["rps"])

    summary = {
        "bench": "peak",
        "schools_small": args.small,
        "schools_large": large_n,
        "users": args.users,
        "burst_users": args.users * args.burst,
        "seconds_per_phase": args.seconds,
        "web_groups": groups,
        "gunicorn_workers": max(1, args.workers // groups) * groups,
        "warmup_seconds": args.warmup_seconds,
        "recycle_after_schools_web": os.environ.get("DB_RECYCLE_AFTER_SCHOOLS_WEB", "default"),
        "web_backend_private_mib_max": memory,
        "rps_small": [rps("small"), rps("small2")],
        "rps_large": [rps("large"), rps("large2")],
        "throughput_ratio": round(
            (rps("large") + rps("large2")) / (rps("small") + rps("small2")), 2
        ),
        "diary_p95_ms_large": results["large"]["pages"]["diary"]["p95_ms"],
        "diary_p95_ms_small": results["small"]["pages"]["diary"]["p95_ms"],
        "rps_burst": rps("burst"),
        "diary_p95_ms_burst": results["burst"]["pages"]["diary"]["p95_ms"],
        "requests": {k: results[k]["requests"] for k in PHASES},
        "errors": sum(results[k]["failures"] for k in PHASES),
        "foreign_school_responses": sum(results[k]["foreign"] for k in PHASES),
        **{
            f"tenancy_ratio_{view}": round(
                statistics.median(results[f"tenancy_{view}"]["tenant"])
                / statistics.median(results[f"tenancy_{view}"]["plain"]),
                2,
            )
            for view in ("healthz", "readyz")
        },
        "tenancy_rps": {view: results[f"tenancy_{view}"] for view in ("healthz", "readyz")},
    }
    for name, result in results.items():
        if name.startswith("tenancy_"):
            print(f"{name:16} req/s tenant-resolved {result['tenant']}, plain {result['plain']}")
            continue
        pages = ", ".join(
            f"{p} {v['rps']}/s p95 {v['p95_ms']:.0f} ms" for p, v in result["pages"].items()
        )
        print(
            f"{name:16} {result['schools']:5} schools {result['users']:3} users: "
            f"{result['requests']:6} requests, {result['rps']:7.1f}/s, "
            f"p95 {result['p95_ms']:.0f} ms, failures {result['failures']} "
            f"(foreign {result['foreign']}) [{pages}]"
        )
        if result["errors"]:
            print(f"    errors: {result['errors']}")
    print(
        f"throughput {large_n} vs {args.small} schools: {summary['throughput_ratio']} "
        f"(target >= 0.9); diary p95 at {large_n}: {summary['diary_p95_ms_large']:.0f} ms"
    )
    print(
        f"tenancy overhead (tenant-resolved / plain): healthz "
        f"{summary['tenancy_ratio_healthz']}, readyz {summary['tenancy_ratio_readyz']} "
        "(target >= 0.9)"
    )
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
