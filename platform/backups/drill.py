"""The pgBackRest restore drill (ARC-5) on scratch clusters of the machine's PostgreSQL.

A source cluster (`initdb` in a temporary folder) archives its WAL with pgBackRest into two
repositories (the two media, ARC-4) and holds a small archive of its own: pupils, marks,
Merkle leaves and the tree heads over them (archive_heads.merkle, as the schools keep them).
The drill follows the production schedule (weekly full, daily differential):

1. a **full** backup to each repository;
2. more rows and a leaf, then a **differential** backup to each repository;
3. write 1 (a row, a leaf and its head), its commit time taken as the recovery target;
4. write 2 (another row, leaf and head) after the target;
5. restore the latest backup (the differential on top of its full) from the **second**
   repository, recovered to the end of the WAL archive: every row, write 2 included;
6. restore from the **first** repository to the target time (point-in-time recovery):
   write 1 is there, write 2 is not.

Each restored cluster's row counts are compared with the source's at that moment, and its
tree head is recomputed from its leaves and compared with the head it holds and with the
source's head of that moment. Production configures the same two repositories against the
real cluster; `pgbackrest_backup()` is what the scheduled task runs there.

PostgreSQL does not run as root: as root the clusters and pgBackRest run as `postgres`.
"""

from __future__ import annotations

import json
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
# Rows at the full backup; then +10 each (and a leaf) before the differential backup, then
# write 1 (+1 each) and write 2 (+1 each).
TABLES = {"pupils": 1000, "marks": 20000, "leaves": 40}
FINAL = {"pupils": 1012, "marks": 20012, "leaves": 43}
AT_TARGET = {"pupils": 1011, "marks": 20011, "leaves": 42}


@dataclass
class Restored:
    """One restored cluster: what it holds and what was expected."""

    repo: str
    target: str  # "latest" or the recovery target time
    counts: dict[str, int]
    expected: dict[str, int]
    head: tuple[int, str]  # (tree size, root hex) stored in the restored cluster
    recomputed_root: str  # the root computed again from the restored leaves
    expected_head: tuple[int, str]
    markers: list[str]  # the marker rows present (write 1, write 2)

    @property
    def ok(self) -> bool:
        return (
            self.counts == self.expected
            and self.head == self.expected_head
            and self.recomputed_root == self.head[1]
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "repo": self.repo,
            "target": self.target,
            "counts": self.counts,
            "expected": self.expected,
            "head": list(self.head),
            "recomputed_root": self.recomputed_root,
            "expected_head": list(self.expected_head),
            "markers": self.markers,
            "ok": self.ok,
        }


@dataclass
class DrillResult:
    source_counts: dict[str, int]
    restored_counts: dict[str, int]
    backups: dict[str, str] = field(default_factory=dict)  # repo -> newest backup label
    labels: dict[str, list[str]] = field(default_factory=dict)  # repo -> every label
    restores: list[Restored] = field(default_factory=list)
    target_time: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            self.source_counts == self.restored_counts
            and len(self.backups) == 2
            and all(any(lbl.endswith("D") for lbl in labels) for labels in self.labels.values())
            and len(self.restores) == 2
            and all(r.ok for r in self.restores)
        )


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


def pgbackrest_backup(
    *, kind: str, repo: str, config: str, stanza: str, runner: Runner | None = None
) -> str:
    """One `pgbackrest backup --type=full|diff --repo=N` (the scheduled backups, ARC-5)."""
    if kind not in {"full", "diff", "incr"}:
        raise ValueError(kind)
    command = ["pgbackrest", f"--config={config}", f"--stanza={stanza}", f"--repo={repo}",
               f"--type={kind}", "backup"]  # fmt: skip
    if runner is not None:
        return runner.run(*command)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"pgbackrest backup: {done.stderr[-2000:]}")
    return done.stdout


def _counts(runner: Runner, sock: Path, port: int) -> dict[str, int]:
    # The table names are this module's constants, not input.
    return {t: int(runner.sql(sock, port, f"SELECT count(*) FROM {t}")) for t in TABLES}  # noqa: S608


def _append_leaf(runner: Runner, sock: Path, port: int, data: str) -> None:
    """A leaf and the head over every leaf so far, as archive_heads keeps them. (`data` and
    the head are made here, never input.)"""
    runner.sql(sock, port, f"INSERT INTO leaves (data) VALUES ('{data}')")  # noqa: S608
    size, root = _recompute(runner, sock, port)
    runner.sql(sock, port, f"INSERT INTO heads (size, root) VALUES ({size}, '{root}')")  # noqa: S608


def _recompute(runner: Runner, sock: Path, port: int) -> tuple[int, str]:
    from archive_heads import merkle

    rows = runner.sql(sock, port, "SELECT data FROM leaves ORDER BY id").splitlines()
    hashes = [merkle.leaf_hash(r.encode()) for r in rows]
    return len(hashes), merkle.root(hashes).hex()


def _head(runner: Runner, sock: Path, port: int) -> tuple[int, str]:
    newest = runner.sql(sock, port, "SELECT size, root FROM heads ORDER BY size DESC LIMIT 1")
    size, root = newest.split("|")
    return int(size), root


def restore_drill(*, keep: bool = False) -> DrillResult:
    """Full and differential backups to two repositories, WAL archived; restore the latest
    from the second repository and a point in time from the first; compare."""
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="pgbackrest-drill-"))
    for name in ("src", "dst", "pitr", "sock", "sock2", "sock3", "repo1", "repo2", "lock",
                 "log", "spool"):  # fmt: skip
        (workdir / name).mkdir()
    for name in ("dst", "pitr"):
        (workdir / name).chmod(0o700)
    conf = workdir / "pgbackrest.conf"
    port, port2, port3 = _free_port(), _free_port(), _free_port()
    sock, sock2, sock3 = workdir / "sock", workdir / "sock2", workdir / "sock3"
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
    src, dst, pitr = workdir / "src", workdir / "dst", workdir / "pitr"
    pg_ctl = str(PG_BIN / "pg_ctl")
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
        runner.run(pg_ctl, "-D", str(src), "-l", str(workdir / "src.log"), "-w", "start")
        sql = lambda query: runner.sql(sock, port, query)  # noqa: E731
        sql("CREATE TABLE pupils (id serial PRIMARY KEY, name text)")
        sql("CREATE TABLE marks (id serial PRIMARY KEY, pupil int, value int)")
        sql("CREATE TABLE leaves (id serial PRIMARY KEY, data text NOT NULL)")
        sql("CREATE TABLE heads (size int PRIMARY KEY, root text NOT NULL)")
        sql("INSERT INTO pupils (name) SELECT 'p' || g FROM generate_series(1, 1000) g")
        sql("INSERT INTO marks (pupil, value) SELECT g % 1000 + 1, g % 4 + 2 "
            "FROM generate_series(1, 20000) g")  # fmt: skip
        sql("INSERT INTO leaves (data) SELECT 'package-' || g FROM generate_series(1, 39) g")
        _append_leaf(runner, sock, port, "package-40")
        runner.run(*pgbr, "stanza-create")
        runner.run(*pgbr, "check")
        result = DrillResult({}, {})
        for repo in ("1", "2"):  # the weekly full backup
            pgbackrest_backup(kind="full", repo=repo, config=str(conf), stanza=STANZA,
                              runner=runner)  # fmt: skip
        sql("INSERT INTO pupils (name) SELECT 'day' || g FROM generate_series(1, 10) g")
        sql("INSERT INTO marks (pupil, value) SELECT g, 5 FROM generate_series(1, 10) g")
        _append_leaf(runner, sock, port, "package-41")
        for repo in ("1", "2"):  # the daily differential backup
            pgbackrest_backup(kind="diff", repo=repo, config=str(conf), stanza=STANZA,
                              runner=runner)  # fmt: skip
        # Write 1, then the target time, then write 2: only WAL carries them.
        sql("INSERT INTO pupils (name) VALUES ('write-1')")
        sql("INSERT INTO marks (pupil, value) VALUES (1, 4)")
        _append_leaf(runner, sock, port, "package-42")
        head_at_target = _head(runner, sock, port)
        counts_at_target = _counts(runner, sock, port)
        time.sleep(1.1)
        result.target_time = sql("SELECT clock_timestamp()")
        time.sleep(1.1)
        sql("INSERT INTO pupils (name) VALUES ('write-2')")
        sql("INSERT INTO marks (pupil, value) VALUES (2, 3)")
        _append_leaf(runner, sock, port, "package-43")
        head_final = _head(runner, sock, port)
        runner.run(*pgbr, "check")  # switches WAL and waits until it is archived
        result.source_counts = _counts(runner, sock, port)
        for backup in json.loads(runner.run(*pgbr, "--output=json", "info"))[0]["backup"]:
            repo = str(backup["database"]["repo-key"])
            result.labels.setdefault(repo, []).append(backup["label"])
            result.backups[repo] = backup["label"]
        runner.run(pg_ctl, "-D", str(src), "-m", "fast", "-w", "stop")

        def restored(repo: str, folder: Path, where: tuple[Path, int], *extra: str) -> None:
            runner.run(*pgbr, f"--repo={repo}", f"--pg1-path={folder}", "--archive-mode=off",
                       *extra, "restore")  # fmt: skip
            s, p = where
            runner.run(
                pg_ctl, "-D", str(folder), "-l", str(workdir / f"{folder.name}.log"),
                "-o", f"-p {p} -k {s} -c archive_mode=off", "-w", "start",
            )  # fmt: skip
            deadline = time.monotonic() + 60
            while runner.sql(s, p, "SELECT pg_is_in_recovery()") == "t":
                if time.monotonic() > deadline:
                    raise RuntimeError("the restored cluster did not finish recovery")
                time.sleep(0.2)
            pitr_target = "--type=time" in extra
            result.restores.append(
                Restored(
                    repo=repo,
                    target=result.target_time if pitr_target else "latest",
                    counts=_counts(runner, s, p),
                    expected=counts_at_target if pitr_target else result.source_counts,
                    head=_head(runner, s, p),
                    recomputed_root=_recompute(runner, s, p)[1],
                    expected_head=head_at_target if pitr_target else head_final,
                    markers=runner.sql(
                        s, p, "SELECT name FROM pupils WHERE name LIKE 'write-%' ORDER BY name"
                    ).splitlines(),
                )
            )

        restored("2", dst, (sock2, port2))
        result.restored_counts = result.restores[0].counts
        restored("1", pitr, (sock3, port3), "--type=time", f"--target={result.target_time}",
                 "--target-action=promote")  # fmt: skip
        result.seconds = round(time.monotonic() - started, 2)
        return result
    finally:
        for data in (src, dst, pitr):
            if (data / "postmaster.pid").exists():
                runner.run(pg_ctl, "-D", str(data), "-m", "immediate", "stop", check=False)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
