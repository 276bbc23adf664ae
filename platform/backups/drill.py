"""The pgBackRest restore drill (ARC-5) on scratch clusters of the machine's PostgreSQL.

A source cluster (`initdb` in a temporary folder) archives its WAL with pgBackRest into two
repositories (the two media, ARC-4); a full backup goes to each; rows written after the
backup reach the archive as WAL; the backup is restored from the **second** repository into
another folder, started, recovered to the end of the archived WAL, and its row counts are
compared with the source's. Production configures the same two repositories against the
real cluster (docs/operations.md); weekly full and daily differential backups follow
`pgbackrest backup --type=full|diff --repo=N`.

PostgreSQL does not run as root: as root the clusters and pgBackRest run as `postgres`.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PG_BIN = Path(os.environ.get("PGBACKREST_PG_BIN", "/usr/lib/postgresql/15/bin"))
STANZA = "drill"
TABLES = {"pupils": 1000, "marks": 20000}


@dataclass
class DrillResult:
    source_counts: dict[str, int]
    restored_counts: dict[str, int]
    backups: dict[str, str] = field(default_factory=dict)  # repo -> backup label
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.source_counts == self.restored_counts and len(self.backups) == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Runner:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            for path in [workdir, *workdir.rglob("*")]:
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def run(self, *command: str, check: bool = True) -> str:
        full = list(command)
        if self.as_postgres:
            full = ["runuser", "-u", "postgres", "--", *full]
        done = subprocess.run(full, capture_output=True, text=True, cwd=self.workdir)
        if check and done.returncode:
            raise RuntimeError(f"{' '.join(command)}: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        return done.stdout

    def sql(self, sock: Path, port: int, query: str) -> str:
        return self.run(
            str(PG_BIN / "psql"), "-h", str(sock), "-p", str(port), "-U", "postgres",
            "-d", "postgres", "-Atqc", query,
        ).strip()  # fmt: skip


def _counts(runner: Runner, sock: Path, port: int) -> dict[str, int]:
    # The table names are this module's constants, not input.
    return {t: int(runner.sql(sock, port, f"SELECT count(*) FROM {t}")) for t in TABLES}  # noqa: S608


def restore_drill(*, keep: bool = False) -> DrillResult:
    """Back up a scratch cluster to two repositories, restore from the second, compare."""
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="pgbackrest-drill-"))
    for name in ("src", "dst", "sock", "sock2", "repo1", "repo2", "lock", "log", "spool"):
        (workdir / name).mkdir()
    (workdir / "dst").chmod(0o700)
    conf = workdir / "pgbackrest.conf"
    port, port2 = _free_port(), _free_port()
    sock, sock2 = workdir / "sock", workdir / "sock2"
    conf.write_text(
        "[global]\n"
        f"repo1-path={workdir / 'repo1'}\nrepo1-retention-full=2\n"
        f"repo2-path={workdir / 'repo2'}\nrepo2-retention-full=2\n"
        f"lock-path={workdir / 'lock'}\nlog-path={workdir / 'log'}\n"
        f"spool-path={workdir / 'spool'}\n"
        "log-level-console=warn\nlog-level-file=off\nstart-fast=y\n\n"
        f"[{STANZA}]\npg1-path={workdir / 'src'}\npg1-socket-path={sock}\npg1-port={port}\n"
        "pg1-user=postgres\n"
    )
    runner = Runner(workdir)
    pgbr = ["pgbackrest", f"--config={conf}", f"--stanza={STANZA}"]
    src, dst = workdir / "src", workdir / "dst"
    try:
        runner.run(str(PG_BIN / "initdb"), "-D", str(src), "-U", "postgres", "--auth=trust",
                   "-E", "UTF8", "--no-instructions")  # fmt: skip
        with (src / "postgresql.conf").open("a") as handle:
            handle.write(
                f"\nport = {port}\nunix_socket_directories = '{sock}'\nlisten_addresses = ''\n"
                "wal_level = replica\narchive_mode = on\n"
                f"archive_command = 'pgbackrest --config={conf} --stanza={STANZA} "
                "archive-push %p'\n"
            )
        runner.run(
            str(PG_BIN / "pg_ctl"), "-D", str(src), "-l", str(workdir / "src.log"), "-w", "start"
        )
        runner.sql(sock, port, "CREATE TABLE pupils (id serial PRIMARY KEY, name text)")
        runner.sql(sock, port, "CREATE TABLE marks (id serial PRIMARY KEY, pupil int, value int)")
        runner.sql(
            sock, port, "INSERT INTO pupils (name) SELECT 'p' || g FROM generate_series(1, 990) g"
        )
        runner.sql(
            sock, port,
            "INSERT INTO marks (pupil, value) SELECT g % 990 + 1, g % 4 + 2 "
            "FROM generate_series(1, 19990) g",
        )  # fmt: skip
        runner.run(*pgbr, "stanza-create")
        runner.run(*pgbr, "check")
        result = DrillResult({}, {})
        for repo in ("1", "2"):
            runner.run(*pgbr, f"--repo={repo}", "--type=full", "backup")
        # Written after the backups: reaches the restore only through the WAL archive.
        runner.sql(
            sock, port, "INSERT INTO pupils (name) SELECT 'late' || g FROM generate_series(1, 10) g"
        )
        runner.sql(
            sock, port, "INSERT INTO marks (pupil, value) SELECT g, 5 FROM generate_series(1, 10) g"
        )
        runner.run(*pgbr, "check")  # switches WAL and waits until it is archived
        result.source_counts = _counts(runner, sock, port)
        info = runner.run(*pgbr, "--output=json", "info")
        import json

        for backup in json.loads(info)[0]["backup"]:
            result.backups[str(backup["database"]["repo-key"])] = backup["label"]
        runner.run(str(PG_BIN / "pg_ctl"), "-D", str(src), "-m", "fast", "-w", "stop")
        runner.run(*pgbr, "--repo=2", f"--pg1-path={dst}", "--archive-mode=off", "restore")
        runner.run(
            str(PG_BIN / "pg_ctl"), "-D", str(dst), "-l", str(workdir / "dst.log"),
            "-o", f"-p {port2} -k {sock2} -c archive_mode=off", "-w", "start",
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while runner.sql(sock2, port2, "SELECT pg_is_in_recovery()") == "t":
            if time.monotonic() > deadline:
                raise RuntimeError("the restored cluster did not finish recovery")
            time.sleep(0.2)
        result.restored_counts = _counts(runner, sock2, port2)
        result.seconds = round(time.monotonic() - started, 2)
        return result
    finally:
        for data in (src, dst):
            if (data / "postmaster.pid").exists():
                runner.run(
                    str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop", check=False
                )
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
