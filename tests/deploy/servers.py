"""Real servers for the deployment tests (issue #18): a PgBouncer of the test's own in front
of the suite's PostgreSQL, gunicorn pointed at it through DATABASE_URL, and two committed
schools with a marker each.

PgBouncer comes from Debian (`make pgbouncer`, infra/ensure_pgbouncer.sh). It does not run
as root: as root it runs as postgres (or as the owner of the server's Unix socket folder),
its folder given to that user, as the backup drill does with PostgreSQL.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.procs import Gunicorn, free_port, start, stop, wait_for
from infra.procs import start_gunicorn as start_server

PGBOUNCER = Path("/usr/sbin/pgbouncer")


def pgbouncer_binary() -> str:
    """`make test` installs it (`make pgbouncer`); a machine without it fails, saying so."""
    found = shutil.which("pgbouncer") or (str(PGBOUNCER) if PGBOUNCER.exists() else None)
    if not found:
        pytest.fail("pgbouncer missing: run `make pgbouncer` (infra/ensure_pgbouncer.sh)")
    return found


@dataclass
class PgBouncer:
    """One pgbouncer process: clients on 127.0.0.1:<port> (auth trust), one database alias
    `<name>` forwarding to the suite's server (TCP host or Unix socket folder)."""

    workdir: Path
    mode: str
    pool_size: int
    dbname: str
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        from django.db import connection

        target = connection.settings_dict
        host = target.get("HOST") or "127.0.0.1"
        server = f"host={host} port={target.get('PORT') or 5432} dbname={self.dbname}"
        server += f" user={target.get('USER') or 'postgres'}"
        if target.get("PASSWORD"):
            server += f" password={target['PASSWORD']}"
        self.port = free_port()
        self.workdir.mkdir(parents=True, exist_ok=True)
        users = self.workdir / "users.txt"
        users.write_text(f'"{target.get("USER") or "postgres"}" ""\n')
        ini = self.workdir / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"{self.dbname} = {server}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {users}\n"
            f"admin_users = {target.get('USER') or 'postgres'}\n"
            f"pool_mode = {self.mode}\ndefault_pool_size = {self.pool_size}\n"
            "min_pool_size = 0\nreserve_pool_size = 0\nmax_client_conn = 200\n"
            # Session mode hands a server connection to the next client only after this:
            # the search_path (and every other session setting) of the last client is gone.
            "server_reset_query = DISCARD ALL\n"
            f"logfile = {self.workdir / 'pgbouncer.log'}\n"
            f"pidfile = {self.workdir / 'pgbouncer.pid'}\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        command = [pgbouncer_binary(), str(ini)]
        if os.geteuid() == 0:
            # PgBouncer refuses root. The server's Unix socket folder (the embedded server's
            # is private to the user it runs as) decides the user; else postgres.
            owner = pwd.getpwuid(os.stat(host).st_uid).pw_name if host.startswith("/") else ""
            entry = pwd.getpwnam(owner if owner and owner != "root" else "postgres")
            command = ["runuser", "-u", entry.pw_name, "--", *command]
            for path in [self.workdir, *self.workdir.rglob("*")]:
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.process = start(command, None, None)
        wait_for(self._answers, 15, f"pgbouncer on {self.port}", or_else=self.stop)

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            log = self.workdir / "pgbouncer.log"
            raise AssertionError(f"pgbouncer exited: {log.read_text()[-2000:]}")
        import psycopg

        try:
            self.admin("SHOW VERSION")
        except psycopg.OperationalError:
            return False  # not listening yet
        return True

    def connect(self, **options: Any) -> Any:
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, dbname=self.dbname, user="postgres",
            autocommit=True, connect_timeout=5, **options,
        )  # fmt: skip

    def admin(self, command: str) -> list[dict[str, Any]]:
        """A command on PgBouncer's admin console (the `pgbouncer` database)."""
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(
            host="127.0.0.1", port=self.port, dbname="pgbouncer", user="postgres",
            autocommit=True, connect_timeout=2, row_factory=dict_row,
        ) as admin:  # fmt: skip
            # The admin console speaks the simple query protocol only.
            with admin.cursor() as cursor:
                cursor.execute(command.encode(), prepare=False)
                return list(cursor.fetchall()) if cursor.description else []

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.dbname}"

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=10)
        self.process = None
        shutil.rmtree(self.workdir, ignore_errors=True)


def scratch_dir(prefix: str) -> Path:
    """A folder in the system's temporary directory: as root, the servers run as postgres,
    which may not enter pytest's per-user folders (mode 700)."""
    return Path(tempfile.mkdtemp(prefix=prefix))


# ------------------------------------------------------------------------ committed schools


@dataclass
class MarkedSchool:
    slug: str
    schema: str
    host: str
    token: str  # the director's API token
    marker: str  # a pupil's surname found in this school only


def valid_inn(first_nine: str) -> str:
    """A legal entity's INN: nine digits and their check digit."""
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    check = sum(w * int(d) for w, d in zip(weights, first_nine, strict=True)) % 11 % 10
    return f"{first_nine}{check}"


def committed_schools(slugs: list[str], blocker: Any) -> Iterator[list[MarkedSchool]]:
    """Schools created outside any test transaction (other processes see them), each with
    the small school year and a pupil surnamed after the school; dropped at the end."""
    from django_tenants.utils import schema_context
    from rest_framework.authtoken.models import Token

    from core.tenancy import db
    from tenants.models import School
    from tenants.services import school_create
    from tests.world import build_world

    def drop() -> None:
        db.set_schema_to_public()
        for school in School.objects.filter(slug__in=slugs):
            school.delete(force_drop=True)  # type: ignore[call-arg]

    made = []
    with blocker.unblock():
        drop()
        for number, slug in enumerate(slugs):
            created = school_create(
                slug=slug,
                name=f"МБОУ «Школа развёртывания № {number + 1}»",
                short_name=f"Школа-развёртывание-{number + 1}",
                inn=valid_inn(f"990018{number:03d}"),  # unique among schools: ours only
                admin_email=f"director@{slug}.example",
            )
            schema = created.school.schema_name
            with schema_context(schema):
                world = build_world()
                marker = f"Маркеров{slug.capitalize()}"
                pupil_user = world.pupils[0].user
                pupil_user.last_name = marker
                pupil_user.save(update_fields=["last_name"])
                token = Token.objects.create(user=world.users["director"]).key
            made.append(MarkedSchool(slug, schema, f"{slug}.localhost", token, marker))
        db.set_schema_to_public()
    yield made
    with blocker.unblock():
        from django.db import connection

        connection.close()
        with connection.cursor() as cursor:  # gunicorn's connections, if any are left
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        drop()


# ------------------------------------------------------------------------------- gunicorn


def start_gunicorn(
    env: dict[str, str], log: Path, *, host: str, workers: int, threads: int
) -> Gunicorn:
    """`gunicorn config.wsgi` as the chart runs it, up when `host`'s /healthz answers 200."""
    options = ["--workers", str(workers), "--threads", str(threads), "--timeout", "60"]
    return start_server(env, log, [*options, "--graceful-timeout", "3"], host=host)
