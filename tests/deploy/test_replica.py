"""The read replica (issue #18; core/replica.py) on a real streaming replica.

A scratch primary (`initdb` in a temporary folder, the machine's PostgreSQL of the suite
server's major version) gets a copy of the test database (pg_dump | pg_restore: migrated
public, the base schema, school1 and school2); `pg_basebackup -R` makes its standby, which
streams from it. A process whose DATABASE_URL is the primary and DATABASE_REPLICA_URL the
standby (tests/deploy/replica_probe.py) writes a department user and a school year, waits for
the standby to replay them, then opens the department's page and runs a school's report.

Shown: the department's statistics and the report's computation ran on the connection that
is in recovery (the standby), with the school's search path; every write (the session, an
access-log entry written inside replica_reads()) ran on the primary; with the standby
stopped the same page and report answer from the primary (fallback, not 503) and a warning
is logged; unset, the router does nothing.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.deploy.servers import scratch_dir
from tests.reliability.conftest import REPO, RedisServer, free_port, process_env

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
ROLLUPS = ("department_periodrollup", "department_monthrollup")


def pg_bin_for(major: int) -> Path:
    """The server binaries of `major`: Debian's (infra/ensure_pgbackrest.sh installs 15) or
    the embedded pgserver's, whichever matches the suite's server."""
    import pgserver  # the embedded server's package, a dev dependency

    candidates = [
        Path(f"/usr/lib/postgresql/{major}/bin"),
        Path(pgserver.__file__).parent / "pginstall" / "bin",
    ]
    for bin_dir in candidates:
        if (bin_dir / "postgres").exists():
            version = subprocess.run(
                [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True
            ).stdout
            if re.search(rf"\b{major}\.\d+", version):
                return bin_dir
    pytest.fail(f"no PostgreSQL {major} server binaries: run `make backup-tools`")


@dataclass
class Cluster:
    bin: Path
    data: Path
    sock: Path
    port: int
    log: Path

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@{quote(str(self.sock), safe='')}:{self.port}/{dbname}"

    def psql(self, dbname: str, sql: str) -> str:
        done = subprocess.run(
            [str(self.bin / "psql"), "-h", str(self.sock), "-p", str(self.port), "-U",
             "postgres", "-d", dbname, "-Atqc", sql],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout.strip()


def _as_postgres(command: list[str], workdir: Path) -> list[str]:
    if os.geteuid() != 0:
        return command
    entry = pwd.getpwnam("postgres")
    for path in [workdir, *workdir.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str], workdir: Path) -> None:
    done = subprocess.run(_as_postgres(command, workdir), capture_output=True, text=True)
    if done.returncode:
        raise AssertionError(f"{' '.join(command)}: {done.stdout[-2000:]} {done.stderr[-2000:]}")


def _start(cluster: Cluster, workdir: Path) -> None:
    _run([str(cluster.bin / "pg_ctl"), "-D", str(cluster.data), "-l", str(cluster.log),
          "-o", f"-p {cluster.port} -k {cluster.sock} -c listen_addresses=''", "-w", "start"],
         workdir)  # fmt: skip


def _stop(cluster: Cluster, workdir: Path) -> None:
    subprocess.run(
        _as_postgres([str(cluster.bin / "pg_ctl"), "-D", str(cluster.data), "-m", "fast",
                      "-w", "stop"], workdir),
        capture_output=True,
    )  # fmt: skip


@dataclass
class Pair:
    primary: Cluster
    standby: Cluster
    dbname: str
    workdir: Path
    redis_url: str

    def probe(self, mode: str, *, replica: bool = True) -> tuple[dict[str, Any], str]:
        extra = {"DATABASE_URL": self.primary.url(self.dbname), "DATABASE_CONN_MAX_AGE": "0"}
        if replica:
            extra["DATABASE_REPLICA_URL"] = self.standby.url(self.dbname)
        env = process_env(redis_url=self.redis_url, extra=extra)
        done = subprocess.run(
            [sys.executable, str(REPO / "tests" / "deploy" / "replica_probe.py"), mode],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-4000:]
        return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.fixture(scope="module")
def pair(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    redis = RedisServer(tmp_path_factory.mktemp("redis"))
    redis.start()
    try:
        yield from _pair(redis.url, django_db_blocker)
    finally:
        redis.kill()


def _pair(redis_url: str, blocker: Any) -> Iterator[Pair]:
    from django.db import connection

    settings_dict = connection.settings_dict
    with blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    pg_bin = pg_bin_for(major)
    workdir = scratch_dir("replica-")
    for name in ("sock1", "sock2"):
        (workdir / name).mkdir()
    primary = Cluster(
        pg_bin, workdir / "primary", workdir / "sock1", free_port(), workdir / "p.log"
    )
    standby = Cluster(
        pg_bin, workdir / "standby", workdir / "sock2", free_port(), workdir / "s.log"
    )
    dbname = str(settings_dict["NAME"])
    dump = workdir / "test.dump"
    source = ["-h", str(settings_dict.get("HOST") or "127.0.0.1"),
              "-p", str(settings_dict.get("PORT") or 5432),
              "-U", str(settings_dict.get("USER") or "postgres")]  # fmt: skip
    env = dict(os.environ, PGPASSWORD=str(settings_dict.get("PASSWORD") or ""))
    subprocess.run([str(pg_bin / "pg_dump"), *source, "-Fc", "-f", str(dump), dbname],
                   env=env, check=True, capture_output=True)  # fmt: skip
    try:
        _run([str(pg_bin / "initdb"), "-D", str(primary.data), "-U", "postgres", "--auth=trust",
              "-E", "UTF8", "--no-instructions"], workdir)  # fmt: skip
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.write("\nwal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n")
        _start(primary, workdir)
        primary.psql("postgres", f'CREATE DATABASE "{dbname}"')
        subprocess.run(
            [str(pg_bin / "pg_restore"), "-h", str(primary.sock), "-p", str(primary.port),
             "-U", "postgres", "-d", dbname, "--no-owner", str(dump)],
            check=True, capture_output=True,
        )  # fmt: skip
        basebackup = [str(pg_bin / "pg_basebackup"), "-h", str(primary.sock),
                      "-p", str(primary.port), "-U", "postgres", "-D", str(standby.data),
                      "-R", "-X", "stream", "--checkpoint=fast"]  # fmt: skip
        _run(basebackup, workdir)
        standby.data.chmod(0o700)
        _start(standby, workdir)
        assert standby.psql("postgres", "SELECT pg_is_in_recovery()") == "t"
        assert primary.psql("postgres", "SELECT count(*) FROM pg_stat_replication") == "1"
        yield Pair(primary, standby, dbname, workdir, redis_url)
    finally:
        _stop(standby, workdir)
        _stop(primary, workdir)
        shutil.rmtree(workdir, ignore_errors=True)


def _touches(statements: list[str], names: tuple[str, ...]) -> list[str]:
    return [s for s in statements if any(n in s for n in names)]


def test_department_statistics_and_reports_read_on_the_standby_writes_on_the_primary(
    pair: Pair,
) -> None:
    pair.probe("setup")
    result, _ = pair.probe("read")
    assert result["recovery"] == {"default": False, "replica": True}

    # The department's page: its statistics on the standby, nothing of them on the primary.
    assert result["department_status"] == 200
    department = result["department"]
    assert _touches(department["replica"], ROLLUPS)
    assert _touches(department["default"], ROLLUPS) == []
    assert [s for s in department["replica"] if WRITE.match(s)] == []

    # The report: computed on the standby in school1's search path; its access log written
    # on the primary.
    assert result["report_rows"] and result["report_rows"] > 0
    report = result["report"]
    assert 'SET search_path = "school1","public"' in report["replica"]
    assert _touches(report["replica"], ("structure_classgroup",))
    assert [s for s in report["replica"] if WRITE.match(s)] == []
    # A write inside replica_reads(): the pupil read on the standby, the INSERT on the primary.
    assert _touches(report["replica"], ("roster_pupil",))
    assert any(WRITE.match(s) and "audit_accesslog" in s for s in report["default"])


def test_a_stopped_standby_falls_back_to_the_primary(pair: Pair) -> None:
    """Decided: statistics and reports stay available when the replica is gone -- they read
    from the primary (the source of the replica's data, only busier), and a warning says so;
    no 503 for a missing replica."""
    _stop(pair.standby, pair.workdir)
    try:
        result, stderr = pair.probe("read-down")
    finally:
        _start(pair.standby, pair.workdir)
    assert result["department_status"] == 200
    assert _touches(result["department"]["default"], ROLLUPS)
    assert result["report_rows"] and result["report_rows"] > 0
    assert _touches(result["report"]["default"], ("structure_classgroup",))
    assert "read replica unreachable" in stderr


def test_without_a_replica_url_everything_reads_on_the_primary(pair: Pair) -> None:
    result, _ = pair.probe("read", replica=False)
    assert result["recovery"] == {"default": False}
    assert result["department_status"] == 200
    assert _touches(result["department"]["default"], ROLLUPS)
    assert _touches(result["report"]["default"], ("structure_classgroup",))


def test_the_router_is_silent_when_no_replica_is_configured() -> None:
    from department.models import PeriodRollup
    from django.conf import settings

    from core.replica import ReplicaRouter, replica_reads

    assert "replica" not in settings.DATABASES
    with replica_reads():
        assert ReplicaRouter().db_for_read(PeriodRollup) is None
    assert ReplicaRouter().db_for_write(PeriodRollup) is None
    assert ReplicaRouter().allow_migrate("replica", "department") is False
