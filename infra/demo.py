"""`make demo`: migrate, seed the demo municipality, run web + Celery worker + beat, the
Госуслуги stand-in (infra/esia_stub, its own process, port and database) and the mail
catcher (infra/mailcatcher.py), and print how every role signs in (demo.logins).

Ctrl-C stops everything this script started (the embedded databases keep running;
`make services-down` stops them).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT = os.environ.get("DEMO_PORT", "8000")
ESIA_PORT = os.environ.get("DEMO_ESIA_PORT", "8001")
MAIL_WEB_PORT = os.environ.get("DEMO_MAIL_WEB_PORT", "8002")
SMTP_PORT = os.environ.get("DEMO_SMTP_PORT", "8025")
DATA = ROOT / ".data"

sys.path.insert(0, str(ROOT / "platform"))
from demo.logins import (  # noqa: E402 - plain data, read before Django starts
    ESIA_CLIENT_ID,
    ESIA_CLIENT_NAME,
    ESIA_PEOPLE,
    render_guide,
    sign_in_guide,
    stub_people,
)


def client_key() -> tuple[Path, str]:
    """The platform's ЕСИА client key (it signs client_secret), made once; its public half
    is what the stand-in checks the signatures with."""
    path = DATA / "demo" / "esia-client-key.pem"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        path.chmod(0o600)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path, public.decode()


def stub_config(public_key: str) -> Path:
    path = DATA / "esia_stub" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {
        "clients": [
            {
                "client_id": ESIA_CLIENT_ID,
                "name": ESIA_CLIENT_NAME,
                "redirect_uris": [f"http://localhost:{PORT}/sso/callback/"],
                "auth": "esia",
                "public_key": public_key,
            }
        ],
        "people": stub_people(),
    }
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def wait_for_port(port: str, name: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", int(port))) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"demo: {name} did not start on port {port}")


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'platform'}"
    esia_url = f"http://127.0.0.1:{ESIA_PORT}"
    key_path, public_key = client_key()
    env.update(
        {
            # Parents and pupils: the Госуслуги stand-in, ЕСИА's signed client_secret.
            "SSO_ISSUER": esia_url,
            "SSO_CLIENT_ID": ESIA_CLIENT_ID,
            "SSO_CLIENT_AUTH": "esia",
            "ESIA_SIGNER": "key",
            "ESIA_SIGNING_KEY_FILE": str(key_path),
            "ESIA_URL": esia_url,
            # Mail goes to the catcher.
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": SMTP_PORT,
        }
    )
    env.pop("ESIA_SIGNING_KEY", None)
    stub_env = {
        **env,
        "ESIA_STUB_CONFIG": str(stub_config(public_key)),
        "ESIA_STUB_DATA": str(DATA / "esia_stub"),
        "ESIA_STUB_ISSUER": esia_url,
        "DJANGO_SETTINGS_MODULE": "esia_stub.settings",
        "PYTHONPATH": str(ROOT / "infra" / "esia_stub"),
    }
    providers = {
        "esia": subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "infra" / "esia_stub" / "manage.py"),
                "stub_serve",
                "--port",
                ESIA_PORT,
            ],
            env=stub_env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        ),
        "mail": subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "infra" / "mailcatcher.py"),
                "--dir",
                str(DATA / "mail"),
                "--smtp-port",
                SMTP_PORT,
                "--web-port",
                MAIL_WEB_PORT,
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        ),
    }
    manage = [sys.executable, str(ROOT / "platform" / "manage.py")]
    try:
        subprocess.run([*manage, "platform_migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*manage, "demo_seed"], env=env, check=True, cwd=ROOT)
        wait_for_port(ESIA_PORT, "the Госуслуги stand-in")
        wait_for_port(SMTP_PORT, "the mail catcher")
    except BaseException:
        for proc in providers.values():
            proc.terminate()
        raise

    DATA.mkdir(exist_ok=True)
    processes = {
        "web": [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--config",
            str(ROOT / "infra" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{PORT}",
        ],
        # Queues by kind (issue #17): people's work (reports, notifications, the short
        # default tasks) never waits behind the night's rollups and archive, which have a
        # worker of their own.
        "worker": [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--hostname",
            "interactive@%h",
            "--queues",
            "reports,notifications,default",
        ],
        "worker-batch": [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--hostname",
            "batch@%h",
            "--queues",
            "rollups,archive",
        ],
        "beat": [
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(ROOT / ".data" / "celerybeat-schedule"),
        ],
    }
    running = {name: subprocess.Popen(cmd, env=env, cwd=ROOT) for name, cmd in processes.items()}
    running.update(providers)

    def stop(*_: object) -> None:
        for proc in running.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.time() + 10
        for proc in running.values():
            try:
                proc.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                proc.kill()

    def on_sigterm(*_: object) -> None:
        stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_sigterm)
    print(banner(), flush=True)
    try:
        while all(proc.poll() is None for proc in running.values()):
            time.sleep(0.5)
        failed = [name for name, proc in running.items() if proc.poll() is not None]
        print(f"demo: {', '.join(failed)} exited; stopping the rest", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


def banner() -> str:
    site = f"http://localhost:{PORT}"
    newcomer = next(p for p in ESIA_PEOPLE if not all(r.linked for r in p.records))
    return f"""
Демо-муниципалитет запущен:
  сайт оператора   {site}/          (API: /api/v1/schools/, документация: /api/docs/)
  школы            http://school1.localhost:{PORT}/  http://school2.localhost:{PORT}/  \
http://school3.localhost:{PORT}/
  Госуслуги        http://127.0.0.1:{ESIA_PORT}/   (учебный стенд ЕСИА: вход родителей и учеников)
  почта демо       http://127.0.0.1:{MAIL_WEB_PORT}/   (письма журнала; файлы: .data/mail/*.eml)
  проверка         {site}/healthz   http://school1.localhost:{PORT}/readyz

Как войти (пароль у всех: demo-2026; в каждой школе те же логины сотрудников):
{render_guide(sign_in_guide(site=site))}
  Новый родитель — {newcomer.name.full} (СНИЛС {newcomer.snils}, пароль {newcomer.password}):
     классный руководитель 5А выдаёт код приглашения в карточке ученика
     «{newcomer.records[0].child.full if newcomer.records[0].child else ""}»; родитель входит
     через Госуслуги на {site}/sso/ и вводит код в «Добавить школу».
Ctrl-C останавливает сайт, worker, beat, стенд Госуслуг и почту.
"""


if __name__ == "__main__":
    raise SystemExit(main())
