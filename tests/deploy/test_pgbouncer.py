"""The platform through a real PgBouncer in session mode (issue #18, TEN-1).

gunicorn (2 workers x 4 threads, as the chart runs it) reaches the suite's PostgreSQL only
through a PgBouncer of the test's own (`DATABASE_URL` -> PgBouncer), with fewer server
connections than client threads: each server connection serves many requests of both
schools in turn. Every answer must carry its own school's data (a pupil surnamed after the
school) and none of the other's; none may fail.

Why session mode: django-tenants issues `SET search_path` once per Django connection
(TENANT_LIMIT_SET_CALLS) and trusts it for the connection's life. Session mode gives a
client one server connection for its whole session and resets it (DISCARD ALL) before the
next client; transaction mode hands out server connections per transaction, so the next
transaction runs on a connection another client set to another school. The last test shows
that on a transaction-mode PgBouncer with the same settings.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.deploy.servers import (
    Gunicorn,
    MarkedSchool,
    PgBouncer,
    committed_schools,
    scratch_dir,
    start_gunicorn,
)
from tests.reliability.conftest import RedisServer, process_env

SLUGS = ["bounce1", "bounce2"]
POOL_SIZE = 3  # server connections; gunicorn has 8 threads
REQUESTS = 240


@pytest.fixture(scope="module")
def schools(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[MarkedSchool]]:
    yield from committed_schools(SLUGS, django_db_blocker)


@pytest.fixture(scope="module")
def bouncer(schools: list[MarkedSchool]) -> Iterator[PgBouncer]:
    from django.db import connection

    server = PgBouncer(
        scratch_dir("pgbouncer-"), "session", POOL_SIZE, connection.settings_dict["NAME"]
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def web(
    bouncer: PgBouncer, schools: list[MarkedSchool], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gunicorn]:
    redis = RedisServer(tmp_path_factory.mktemp("redis"))
    redis.start()
    env = process_env(
        redis_url=redis.url, extra={"DATABASE_URL": bouncer.url, "DATABASE_CONN_MAX_AGE": "0"}
    )
    server = start_gunicorn(
        env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log",
        host=schools[0].host, workers=2, threads=4,
    )  # fmt: skip
    yield server
    server.stop()
    redis.kill()


def _ask(web: Gunicorn, school: MarkedSchool, path: str) -> tuple[int, str]:
    answer = httpx.get(
        web.url(path),
        headers={"Host": school.host, "Authorization": f"Token {school.token}"},
        timeout=30,
    )
    return answer.status_code, answer.text


def test_requests_of_two_schools_through_session_pgbouncer_see_their_own_school_ten1(
    web: Gunicorn, bouncer: PgBouncer, schools: list[MarkedSchool]
) -> None:
    before = {row["database"]: row for row in bouncer.admin("SHOW STATS")}[bouncer.dbname]
    paths = ["/api/v1/roster/pupils/", "/api/v1/me/"]
    plan = list(itertools.islice(itertools.cycle(itertools.product(schools, paths)), REQUESTS))
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda job: (job, _ask(web, *job)), plan))

    wrong: list[tuple[str, str, object, str]] = []
    for (school, path), (status, body) in answers:
        other = next(s for s in schools if s is not school)
        if status != 200:
            wrong.append((school.slug, path, status, body[:200]))
        elif path.startswith("/api/v1/roster/") and (
            school.marker not in body or other.marker in body
        ):
            wrong.append((school.slug, path, "other school's pupils", body[:200]))
        elif path == "/api/v1/me/" and f'"schema":"{school.schema}"' not in body:
            wrong.append((school.slug, path, "other schema", body[:200]))
    assert wrong == [], f"{len(wrong)} of {REQUESTS} wrong: {wrong[:5]}"

    # Everything went through this PgBouncer, on no more server connections than its pool:
    # each of them served requests of both schools, one client session after another.
    after = {row["database"]: row for row in bouncer.admin("SHOW STATS")}[bouncer.dbname]
    assert after["total_query_count"] - before["total_query_count"] >= 3 * REQUESTS
    pools = [row for row in bouncer.admin("SHOW POOLS") if row["database"] == bouncer.dbname]
    assert pools and all(row["pool_mode"] == "session" for row in pools)
    servers = [row for row in bouncer.admin("SHOW SERVERS") if row["database"] == bouncer.dbname]
    assert 1 <= len(servers) <= POOL_SIZE


def test_a_server_connection_keeps_no_school_between_clients_in_session_mode(
    bouncer: PgBouncer, schools: list[MarkedSchool]
) -> None:
    """DISCARD ALL between clients: a connection that ended on a school's search_path
    leaves nothing for the next client on the same server connection."""
    seen = []
    for school in schools * 3:
        with bouncer.connect() as client:
            row = client.execute("SELECT pg_backend_pid(), current_setting('search_path')")
            backend, path = row.fetchone()
            seen.append((backend, path))
            client.execute(f'SET search_path = "{school.schema}", public')
    assert all(path == '"$user", public' for _, path in seen), seen
    assert len({backend for backend, _ in seen}) < len(seen)  # server connections were reused


def test_transaction_mode_hands_one_school_the_other_schools_search_path(
    schools: list[MarkedSchool],
) -> None:
    """Why the chart and compose run session mode: with one server connection in
    transaction mode, two clients' `SET search_path` land on the same server session, and
    the first client's next query runs in the second client's school."""
    from django.db import connection

    unsafe = PgBouncer(
        scratch_dir("pgbouncer-txn-"), "transaction", 1, connection.settings_dict["NAME"]
    )
    unsafe.start()
    try:
        first, second = schools
        a, b = unsafe.connect(prepare_threshold=None), unsafe.connect(prepare_threshold=None)
        with a, b:
            a.execute(f'SET search_path = "{first.schema}", public')
            b.execute(f'SET search_path = "{second.schema}", public')
            (path_of_a,) = a.execute("SHOW search_path").fetchone()
    finally:
        unsafe.stop()
    assert second.schema in path_of_a and first.schema not in path_of_a
