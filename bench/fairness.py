"""Per-school fairness of the Celery queues (issue #17, TEN-3): school A enqueues 5,000
tasks; how long does school B's single task take, against the same task on an idle queue?

Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres PYTHONPATH=.:platform \
     .venv/bin/python bench/fairness.py [flood] [runs] [concurrency]
(default 5,000 tasks, 5 runs, concurrency 2). It uses two schools of the synthetic
municipality in the bench database (BENCH_DATABASE, default `edujournal_bench`; make them with
`python platform/manage.py municipality_synth --schools 2` against it), a redis-server of
its own, and the project's real worker as `make demo` runs it (prefork, concurrency 2, the
interactive worker's queues). The task is `tenants.school_probe` (a query in the school's
schema). Figures: B's latency idle (median), B's latency behind A's flood (median), their
ratio (target ≤ 2), and for reference B's latency when sent at A's lowest priority (what a
plain FIFO queue would give). The last line is JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import _procs  # noqa: E402

FLOOD = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
TASK = "tenants.school_probe"
QUEUES = "reports,notifications,default"  # infra/demo.py's interactive worker
# infra/demo.py's interactive worker runs 2 processes; 1 separates the queue's order from
# the two processes' contention for the CPU (figures for both in docs/benchmarks.md).
CONCURRENCY = int(sys.argv[3]) if len(sys.argv) > 3 else 2


def main() -> int:
    redis_server = _procs.RedisServer().start()
    env = _procs.process_env(redis_server.url)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")})
    os.environ["CELERY_RESULT_BACKEND"] = env["CELERY_RESULT_BACKEND"]

    import django

    django.setup()
    import redis

    from config.celery import app
    from tenants.models import School

    schools = list(
        School.objects.filter(slug__startswith="synth")
        .order_by("slug")
        .values_list("schema_name", flat=True)[:2]
    )
    if len(schools) < 2:
        raise SystemExit(
            f"{_procs.BENCH_DATABASE} needs two synthetic schools: "
            "municipality_synth --schools 2 with DATABASE_URL on that database"
        )
    flood_school, quiet_school = schools
    client = redis.Redis.from_url(env["CELERY_BROKER_URL"])
    log = Path(tempfile.mkdtemp(prefix="bench-fair-")) / "worker.log"
    worker = _procs.start(_procs.worker_command(QUEUES, CONCURRENCY), env, log)

    def one(priority: int | None = None) -> float:
        options = {"priority": priority} if priority is not None else {}
        start = time.perf_counter()
        result = app.send_task(TASK, headers={"_schema_name": quiet_school}, **options)
        result.get(timeout=600)
        return (time.perf_counter() - start) * 1000

    def flood() -> float:
        start = time.perf_counter()
        with app.producer_or_acquire() as producer:
            for _ in range(FLOOD):
                app.send_task(
                    TASK,
                    headers={"_schema_name": flood_school},
                    ignore_result=True,
                    producer=producer,
                )
        return (time.perf_counter() - start) * 1000

    def waiting() -> int:
        return sum(int(client.llen(f"default\x06\x16{p}" if p else "default")) for p in range(10))

    def drain() -> None:
        app.control.purge()
        for key in client.scan_iter("fair:*"):
            client.delete(key)
        time.sleep(1)  # what the worker had reserved finishes

    try:
        _procs.wait_for(lambda: one() > 0, 120, "the worker")
        for _ in range(3):
            one()  # warm both pool processes
        idle = [one() for _ in range(RUNS * 2)]
        behind, enqueue_ms, left = [], [], []
        for _ in range(RUNS):
            drain()
            enqueue_ms.append(flood())
            left.append(waiting())
            behind.append(one())
        drain()
        enqueue_ms.append(flood())
        fifo_waiting = waiting()
        fifo = one(priority=9)  # behind the flood's tail, as in a queue without fairness
        drain()
    finally:
        _procs.stop(worker)
        redis_server.stop()

    idle_ms = statistics.median(idle)
    behind_ms = statistics.median(behind)
    figures = {
        "bench": "fairness",
        "flood_tasks": FLOOD,
        "runs": RUNS,
        "worker_concurrency": CONCURRENCY,
        "idle_latency_ms": round(idle_ms, 1),
        "behind_flood_latency_ms": round(behind_ms, 1),
        "behind_flood_samples_ms": [round(x, 1) for x in behind],
        "flood_waiting_when_b_sent": left,
        "ratio": round(behind_ms / idle_ms, 2),
        "target_ratio_max": 2.0,
        "enqueue_flood_ms_median": round(statistics.median(enqueue_ms), 0),
        "fifo_reference_latency_ms": round(fifo, 0),
        "fifo_reference_waiting": fifo_waiting,
    }
    print(f"idle queue:      B's task {idle_ms:.1f} ms (median of {len(idle)})")
    print(
        f"behind {FLOOD} of A: B's task {behind_ms:.1f} ms (median of {RUNS}; "
        f"A's tasks still waiting when B was sent: {left})"
    )
    print(f"ratio {behind_ms / idle_ms:.2f} (target <= 2)")
    print(f"without fairness (B at A's tail, {fifo_waiting} waiting): {fifo:.0f} ms")
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
