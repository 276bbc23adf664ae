"""Real processes for the #17 benches (fairness, peak): a redis-server of the bench's own,
the project's Celery worker and gunicorn with the demo's settings, on a bench database.

The process plumbing is infra/procs.py's (shared with the tests); this module adds what is
the benches' own: the bench database and the environment of the demo's settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the benches put it there; a bare `import _procs` may not
    sys.path.insert(0, str(ROOT))

from infra.procs import (  # noqa: E402
    VENV_BIN,
    Gunicorn,
    RedisServer,
    celery_worker_command,
    free_port,
    service_env,
    start,
    start_gunicorn,
    wait_for,
)
from infra.procs import stop as stop_process  # noqa: E402

__all__ = [
    "BENCH_DATABASE",
    "BIN",
    "Gunicorn",
    "RedisServer",
    "bench_database_url",
    "free_port",
    "process_env",
    "start",
    "start_gunicorn",
    "stop",
    "wait_for",
    "worker_command",
]

BIN = VENV_BIN
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "edujournal_bench")


def bench_database_url() -> str:
    """DATABASE_URL with the bench database (BENCH_DATABASE, default edujournal_bench)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def process_env(redis_url: str, **extra: str) -> dict[str, str]:
    """The demo's settings (or DJANGO_SETTINGS_MODULE) on the bench database; the cache in
    the bench Redis's database 1."""
    return service_env(
        settings=os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev"),
        redis_url=redis_url,
        cache_url=f"{redis_url}/1",
        DATABASE_URL=bench_database_url(),
        **extra,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL after 20 s (a worker finishing a flood)."""
    stop_process(process, timeout=20)


def worker_command(queues: str, concurrency: int) -> list[str]:
    """infra/demo.py's worker (prefork), on the given queues."""
    return celery_worker_command(queues, "--concurrency", str(concurrency), loglevel="WARNING")
