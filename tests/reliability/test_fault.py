"""The fault test of issue #11 (TEN-3, MRK-2): a real gunicorn, its own redis-server and
PostgreSQL behind a TCP proxy the test can cut, under a bounded load of concurrent mark
writes sent with tokens and Idempotency-Keys (a client that gets 503 or loses the
connection retries with the same key, as the journal grid does).

- Redis SIGKILLed and restarted on the same port mid-run: writes keep succeeding (the
  cache degrades to PostgreSQL), 0 responses are 500, /readyz reports Redis down and then
  ready again without restarting gunicorn, every acknowledged write is in the database
  exactly once.
- PostgreSQL cut off and restored mid-run: 503 with Retry-After while it is gone, 0 500s,
  0 requests with a bogus token accepted, recovery without restarting gunicorn, every
  acknowledged write in the database exactly once.
- Two clients sending the same mark with the same key at the same moment create one mark;
  with different keys, two.

Figures of each run go to test-output/reliability-fault-<phase>.json.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from django_tenants.utils import schema_context

from tests.reliability.conftest import (
    REPO,
    Gunicorn,
    RedisServer,
    School,
    TcpProxy,
    process_env,
    start_gunicorn,
    wait_for,
)

THREADS = 4
WRITES_PER_THREAD = 100
OUTAGE_SECONDS = 3.0
OUTPUT = REPO / "test-output"


@pytest.fixture(scope="module")
def web(
    redis_server: RedisServer,
    pg_proxy: TcpProxy,
    committed_school: School,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gunicorn]:
    """gunicorn reaching PostgreSQL only through the proxy. start_gunicorn stops it if it
    does not come up (a failed setup has no teardown); once up, the teardown stops it."""
    env = process_env(redis_url=redis_server.url, db_host="127.0.0.1", db_port=pg_proxy.port)
    server = start_gunicorn(env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    try:
        yield server
    finally:
        server.stop()


def client(web: Gunicorn, school: School, token: str | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=web.url(""),
        headers={
            "Host": school.host,
            "Authorization": f"Token {token or school.token}",
            "Accept": "application/json",
        },
        timeout=20,
    )


def mark_body(school: School, n: int) -> dict[str, Any]:
    pupil = school.pupil_ids[n % len(school.pupil_ids)]
    return {"marks": [{"pupil_id": pupil, "value": 5, "work_kind": "oral"}]}


def marks_path(school: School) -> str:
    return f"/api/v1/register/lessons/{school.lesson_id}/marks/"


def mark_ids_in_db(school: School, django_db_blocker: Any) -> set[int]:
    from journal.register.models import Mark

    with django_db_blocker.unblock(), schema_context(school.schema):
        return set(Mark.objects.filter(lesson_id=school.lesson_id).values_list("id", flat=True))


@dataclass
class Run:
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    missing_retry_after: int = 0
    acknowledged: dict[str, list[int]] = field(default_factory=dict)  # key -> mark ids
    acknowledged_during_outage: int = 0
    unfinished: list[str] = field(default_factory=list)
    bogus_statuses: Counter[int] = field(default_factory=Counter)
    # (sent at, answered at, status, services named down)
    readyz: list[tuple[float, float, int, list[str]]] = field(default_factory=list)
    outage: tuple[float, float] = (0.0, 0.0)  # from just before the break to just after the mend
    broken: tuple[float, float] = (0.0, 0.0)  # from just after the break to just before the mend
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_load(
    web: Gunicorn,
    school: School,
    *,
    name: str,
    break_it: Callable[[], None],
    mend_it: Callable[[], object],
    bogus: bool = False,
) -> Run:
    run = Run()
    total = THREADS * WRITES_PER_THREAD
    stop_probes = threading.Event()

    def writer(thread: int) -> None:
        with client(web, school) as http:
            for i in range(WRITES_PER_THREAD):
                key = f"{name}-{thread}-{i}"
                for _attempt in range(200):
                    try:
                        response = http.post(
                            marks_path(school),
                            json=mark_body(school, i),
                            headers={"Idempotency-Key": key},
                        )
                    except httpx.TransportError:
                        with run.lock:
                            run.transport_errors += 1
                        time.sleep(0.2)
                        continue
                    with run.lock:
                        run.statuses[response.status_code] += 1
                        if response.status_code == 503 and "Retry-After" not in response.headers:
                            run.missing_retry_after += 1
                    if response.status_code == 201:
                        ids = [m["id"] for m in response.json()]
                        with run.lock:
                            run.acknowledged[key] = ids
                            start, end = run.outage
                            if start and not end:
                                run.acknowledged_during_outage += 1
                            run.done += 1
                        break
                    if response.status_code != 503:
                        break  # anything else is a finding, counted in statuses
                    time.sleep(0.2)  # shorter than Retry-After: the test is bounded
                else:
                    run.unfinished.append(key)

    def bogus_client() -> None:
        with client(web, school, token="f" * 40) as http:
            while not stop_probes.is_set():
                try:
                    for response in (
                        http.get("/api/v1/me/"),
                        http.post(marks_path(school), json=mark_body(school, 0)),
                    ):
                        with run.lock:
                            run.bogus_statuses[response.status_code] += 1
                except httpx.TransportError:
                    pass
                time.sleep(0.05)

    def readyz_probe() -> None:
        with httpx.Client(base_url=web.url(""), headers={"Host": school.host}, timeout=10) as http:
            while not stop_probes.is_set():
                try:
                    sent = time.monotonic()
                    response = http.get("/readyz")
                    run.readyz.append(
                        (sent, time.monotonic(), response.status_code, response.json()["down"])
                    )
                except (httpx.TransportError, ValueError):
                    pass
                time.sleep(0.2)

    def fault() -> None:
        wait_for(lambda: run.done >= total // 4, 60, "a quarter of the writes")
        with run.lock:
            run.outage = (time.monotonic(), 0.0)
        break_it()
        broken_at = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        run.broken = (broken_at, time.monotonic())
        mend_it()
        with run.lock:
            run.outage = (run.outage[0], time.monotonic())

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS)]
    helpers = [threading.Thread(target=readyz_probe)]
    if bogus:
        helpers.append(threading.Thread(target=bogus_client))
    faulter = threading.Thread(target=fault)
    started = time.monotonic()
    for thread in [*threads, *helpers, faulter]:
        thread.start()
    for thread in [*threads, faulter]:
        thread.join(120)
    # Readiness must come back on its own (no restart of gunicorn).
    wait_for(lambda: bool(run.readyz) and run.readyz[-1][2] == 200, 20, "/readyz back to 200")
    stop_probes.set()
    for thread in helpers:
        thread.join(10)
    figures = {
        "phase": name,
        "seconds": round(time.monotonic() - started, 1),
        "writes": total,
        "acknowledged": len(run.acknowledged),
        "acknowledged_during_outage": run.acknowledged_during_outage,
        "responses": dict(sorted(run.statuses.items())),
        "transport_errors": run.transport_errors,
        "bogus_token_responses": dict(sorted(run.bogus_statuses.items())),
        "readyz_down_seen": sorted(
            {s for _, _, code, down in run.readyz if code == 503 for s in down}
        ),
    }
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / f"reliability-fault-{name}.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures))
    return run


def assert_every_write_acknowledged_once(
    run: Run, school: School, before: set[int], django_db_blocker: Any
) -> None:
    assert not run.unfinished
    assert len(run.acknowledged) == THREADS * WRITES_PER_THREAD
    acknowledged_ids = {i for ids in run.acknowledged.values() for i in ids}
    now = mark_ids_in_db(school, django_db_blocker)
    assert acknowledged_ids <= now  # no acknowledged write is lost
    assert now - before == acknowledged_ids  # and none was written twice by a retry


def readyz_during(run: Run) -> list[tuple[int, list[str]]]:
    start, end = run.outage
    return [(code, down) for _, at, code, down in run.readyz if start <= at <= end + 1]


def readyz_while_broken(run: Run) -> list[tuple[int, list[str]]]:
    """The probes sent and answered while the service was certainly down."""
    start, end = run.broken
    return [(code, down) for sent, at, code, down in run.readyz if start <= sent and at <= end]


def test_redis_killed_and_restarted_mid_run(
    web: Gunicorn, redis_server: RedisServer, committed_school: School, django_db_blocker: Any
) -> None:
    before = mark_ids_in_db(committed_school, django_db_blocker)
    run = run_load(
        web,
        committed_school,
        name="redis",
        break_it=redis_server.kill,
        mend_it=redis_server.start,
    )
    assert run.statuses[500] == 0
    assert set(run.statuses) <= {201, 503}, run.statuses
    assert run.missing_retry_after == 0
    # Degraded, not down: marks were written while Redis was dead.
    assert run.acknowledged_during_outage > 0
    # Every probe made while Redis was dead says so (the probe answers in well under the
    # outage: the broker check retries once without a pause, not after kombu's 2 s).
    while_broken = readyz_while_broken(run)
    assert while_broken
    assert [(code, "redis" in down) for code, down in while_broken] == [(503, True)] * len(
        while_broken
    )
    assert run.readyz[-1][2] == 200
    assert_every_write_acknowledged_once(run, committed_school, before, django_db_blocker)
    assert web.process.poll() is None  # the same gunicorn throughout


def test_postgresql_cut_and_restored_mid_run(
    web: Gunicorn, pg_proxy: TcpProxy, committed_school: School, django_db_blocker: Any
) -> None:
    before = mark_ids_in_db(committed_school, django_db_blocker)
    run = run_load(
        web,
        committed_school,
        name="postgresql",
        break_it=pg_proxy.cut,
        mend_it=pg_proxy.restore,
        bogus=True,
    )
    assert run.statuses[500] == 0
    assert set(run.statuses) <= {201, 503}, run.statuses
    assert run.statuses[503] > 0  # the outage was felt...
    assert run.missing_retry_after == 0  # ...and said when to come back
    # Authentication never fails open: a bogus token is refused, or 503 when unverifiable.
    assert run.bogus_statuses
    assert set(run.bogus_statuses) <= {403, 503}, run.bogus_statuses
    assert any(code == 503 and "postgresql" in down for code, down in readyz_during(run))
    assert run.readyz[-1][2] == 200
    assert_every_write_acknowledged_once(run, committed_school, before, django_db_blocker)
    assert web.process.poll() is None


@pytest.mark.parametrize("same_key", [True, False], ids=["same-key", "different-keys"])
def test_simultaneous_identical_writes(
    web: Gunicorn, committed_school: School, django_db_blocker: Any, same_key: bool
) -> None:
    """Two clients at the same moment (a barrier releases both), ten rounds."""
    rounds = 10
    before = mark_ids_in_db(committed_school, django_db_blocker)
    replayed = 0
    for n in range(rounds):
        barrier = threading.Barrier(2)
        answers: list[httpx.Response] = []

        def send(
            side: int,
            n: int = n,
            barrier: threading.Barrier = barrier,
            answers: list[httpx.Response] = answers,
        ) -> None:
            key = f"together-{same_key}-{n}" + ("" if same_key else f"-{side}")
            with client(web, committed_school) as http:
                barrier.wait()
                answers.append(
                    http.post(
                        marks_path(committed_school),
                        json=mark_body(committed_school, n),
                        headers={"Idempotency-Key": key},
                    )
                )

        pair = [threading.Thread(target=send, args=(side,)) for side in (0, 1)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join(30)
        assert [a.status_code for a in answers] == [201, 201]
        replayed += sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers)
        if same_key:
            assert answers[0].json() == answers[1].json()
    created = mark_ids_in_db(committed_school, django_db_blocker) - before
    if same_key:
        assert len(created) == rounds  # one mark per round
        assert replayed == rounds  # the other client got the first one's answer
    else:
        assert len(created) == 2 * rounds
        assert replayed == 0


def test_gunicorn_logged_outages_not_server_errors(web: Gunicorn) -> None:
    """The server's own view: every request error it logged was an answered outage (503,
    logged by Django with its cause), none an "Internal Server Error"."""
    lines = Path(web.log).read_text(errors="replace").splitlines()
    errors = [line for line in lines if "ERROR django.request" in line]
    assert errors  # the outages were logged...
    assert all("Service Unavailable" in line for line in errors), errors[:5]
    assert not [line for line in lines if "Internal Server Error" in line]
    assert not [line for line in lines if '" 500 ' in line or "[CRITICAL]" in line]
