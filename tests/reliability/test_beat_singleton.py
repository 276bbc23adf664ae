"""Beat is a singleton (issue #17, AVL-1): two real `celery beat` processes on one Redis,
a test-only entry due every second; only the lock holder sends, and when it is killed the
other takes over without sending anything twice."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.reliability.conftest import (
    REPO,
    VENV_BIN,
    RedisServer,
    process_env,
    stop,
    wait_for,
    wait_for_log,
)

SENDING = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO celery\.beat "
    r"Scheduler: Sending due task probe-every-second",
    re.MULTILINE,
)
QUEUE = "default"  # tenants.school_probe's route


def _beat(env: dict[str, str], log: Path, schedule: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(schedule),
        ],
        cwd=REPO,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _sends(log: Path) -> list[dt.datetime]:
    text = log.read_text(errors="replace")
    return [dt.datetime.strptime(m, "%Y-%m-%d %H:%M:%S,%f") for m in SENDING.findall(text)]


def _queued(client: Any) -> int:
    """Messages waiting in the probe's queue, over all ten priority lists."""
    return int(client.llen(QUEUE)) + sum(
        int(client.llen(f"{QUEUE}\x06\x16{level}")) for level in range(1, 10)
    )


def _leader(logs: list[Path]) -> int:
    leading = [i for i, log in enumerate(logs) if "became the leader" in log.read_text()]
    assert len(leading) == 1, f"beats leading: {leading}"
    return leading[0]


def test_two_beats_send_each_due_task_once(
    django_db_setup: None, redis_server: RedisServer, tmp_path: Path
) -> None:
    import redis

    client = redis.Redis.from_url(f"{redis_server.url}/0")
    client.flushdb()
    env = process_env(
        redis_url=redis_server.url,
        extra={"EDUJOURNAL_BEAT_PROBE_SCHEMA": "beatprobe", "CELERY_BEAT_LOCK_TTL": "3"},
    )
    env.pop("EDUJOURNAL_TEST_NOW")  # both beats on one clock (the host's), not two offsets
    logs = [tmp_path / "beat1.log", tmp_path / "beat2.log"]
    beats = [_beat(env, log, tmp_path / f"schedule{i}") for i, log in enumerate(logs)]
    try:
        for log in logs:
            wait_for_log(log, "beat: Starting", 60)
        wait_for(lambda: any("became the leader" in f.read_text() for f in logs), 30, "a leader")
        time.sleep(6)  # both beats run; the entry is due six times
        first = _leader(logs)
        other = 1 - first
        led = _sends(logs[first])
        assert _sends(logs[other]) == []  # the standby sent nothing
        assert 4 <= len(led) <= 8  # once a second, not twice
        assert _queued(client) == len(led)

        # The leader dies without releasing the lock: the standby takes over after the TTL.
        beats[first].send_signal(signal.SIGKILL)
        beats[first].wait(10)
        wait_for_log(logs[other], "became the leader", 30)
        time.sleep(4)
        taken = _sends(logs[other])
        assert len(taken) >= 2
        assert _queued(client) == len(_sends(logs[first])) + len(taken)
        # Never two sends for one due time: consecutive sends, whichever beat, are apart.
        every = sorted(_sends(logs[first]) + taken)
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(every)]
        assert min(gaps) >= 0.5, gaps
    finally:
        for beat in beats:
            stop(beat)
    client.flushdb()
