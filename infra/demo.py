"""`make demo`: migrate, seed the demo municipality, run web + Celery worker + beat.

Ctrl-C stops everything this script started (the embedded databases keep running;
`make services-down` stops them).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT = os.environ.get("DEMO_PORT", "8000")


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'platform'}"
    manage = [sys.executable, str(ROOT / "platform" / "manage.py")]
    subprocess.run([*manage, "platform_migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "demo_seed"], env=env, check=True, cwd=ROOT)

    (ROOT / ".data").mkdir(exist_ok=True)
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
    print(
        f"""
Демо-муниципалитет запущен / demo municipality is running:
  operator site   http://localhost:{PORT}/          (API: /api/v1/schools/, docs: /api/docs/)
  schools         http://school1.localhost:{PORT}/  http://school2.localhost:{PORT}/  http://school3.localhost:{PORT}/
  health          http://localhost:{PORT}/healthz   http://school1.localhost:{PORT}/readyz
Logins (password for all: demo-2026):
  public host:  operator (муниципальный оператор), department (управление образования)
  each school:  admin (директор, администратор ЭЖ),
                zavuch (заместитель директора), admin_ej (администратор ЭЖ),
                secretar (секретарь), teacher000 (учитель), teacher021 (учитель,
                классный руководитель 5А)
Second factor (operator, director, deputy, journal admin): instead of an app,
  .venv/bin/python platform/manage.py demo_code operator
  .venv/bin/python platform/manage.py demo_code zavuch --school school1
Parents and pupils sign in through Госуслуги (an OpenID Connect provider set in SSO_*).
Ctrl-C stops web, worker and beat.
""",
        flush=True,
    )
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


if __name__ == "__main__":
    raise SystemExit(main())
