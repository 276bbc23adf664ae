"""infra/compose.yaml and infra/Dockerfile agree with the Helm chart (issue #18: TEN-1, SEC-4).

The processes' commands live in one place, helm/edujournal/files/processes.yaml: the chart's
templates read it; here the compose file's services and the image's CMD are held to what the
chart renders. No Docker engine is needed: the files are parsed.
"""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.chart import by_kind, component, merged_values, objects, processes, render

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "infra" / "compose.yaml"
DOCKERFILE = REPO / "infra" / "Dockerfile"
QUEUE_KINDS = ["archive", "default", "notifications", "reports", "rollups"]
APP_SERVICES = ["migrate", "web", "beat", *(f"worker-{kind}" for kind in QUEUE_KINDS)]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


@pytest.fixture(scope="module")
def chart_objects() -> list[dict[str, Any]]:
    return objects(render())


def _chart_commands(objs: list[dict[str, Any]]) -> dict[str, list[str]]:
    """component -> argv of what the chart runs (default values)."""
    commands = {
        component(d): d["spec"]["template"]["spec"]["containers"][0]["command"]
        for d in by_kind(objs, "Deployment").values()
    }
    (job,) = by_kind(objs, "Job").values()
    commands["migrate"] = job["spec"]["template"]["spec"]["containers"][0]["command"]
    return commands


def test_compose_has_every_service_the_platform_needs(compose: dict[str, Any]) -> None:
    services = set(compose["services"])
    assert {"postgres", "redis", "pgbouncer", "mailpit", *APP_SERVICES} == services


def test_compose_runs_exactly_what_the_chart_runs(
    compose: dict[str, Any], chart_objects: list[dict[str, Any]]
) -> None:
    chart = _chart_commands(chart_objects)
    assert sorted(chart) == sorted(APP_SERVICES)
    for service in APP_SERVICES:
        assert compose["services"][service]["command"] == chart[service], service
    assert chart["web"] == processes()["web"]
    assert chart["beat"] == processes()["beat"]
    assert chart["migrate"] == processes()["migrate"]


def test_compose_workers_serve_the_chart_queue_lists(compose: dict[str, Any]) -> None:
    values = merged_values(None)
    for kind in QUEUE_KINDS:
        argv = compose["services"][f"worker-{kind}"]["command"]
        assert argv[argv.index("--queues") + 1].split(",") == values["workers"][kind]["queues"]


def test_compose_beat_is_single_and_migration_comes_first(compose: dict[str, Any]) -> None:
    beat = compose["services"]["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert "scale" not in beat
    for service in APP_SERVICES:
        if service == "migrate":
            continue
        depends = compose["services"][service]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, service
    assert compose["services"]["migrate"]["restart"] == "no"


def test_compose_app_containers_are_non_root_read_only(compose: dict[str, Any]) -> None:
    chart_uid = merged_values(None)["podSecurityContext"]["runAsUser"]
    for service in APP_SERVICES:
        spec = compose["services"][service]
        assert spec["user"] == f"{chart_uid}:{chart_uid}", service
        assert spec["read_only"] is True, service
        assert spec["tmpfs"] == ["/tmp"], service  # noqa: S108
        env = spec["environment"]
        assert "DJANGO_SECRET_KEY" not in env
        target = env["DJANGO_SECRET_KEY_FILE"]
        assert [s["target"] for s in spec["secrets"]] == [target]
    assert compose["services"]["pgbouncer"]["read_only"] is True
    assert compose["services"]["pgbouncer"]["user"] != "0"


def test_compose_settings_are_names_the_chart_sets(
    compose: dict[str, Any], chart_objects: list[dict[str, Any]]
) -> None:
    """No setting only one of the two knows about: each compose variable is in the chart's
    ConfigMap, or is one of its secrets (as NAME or NAME_FILE)."""
    config = set(by_kind(chart_objects, "ConfigMap")["edujournal-config"]["data"])
    secret_keys = {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SENTRY_DSN"}
    known = config | secret_keys | {f"{key}_FILE" for key in secret_keys}
    env = set(compose["services"]["web"]["environment"])
    assert env - known == set()
    # The chart's settings the compose file leaves to the defaults, said out loud.
    assert config - env == {
        "EXTRA_ALLOWED_HOSTS",
        "TIME_ZONE",
        "LOG_LEVEL",
        "SENTRY_ENVIRONMENT",
        "DEFAULT_FROM_EMAIL",
        "OUTBOUND_HOST_ALLOWLIST",
        "GUNICORN_WORKERS",
        "FORWARDED_ALLOW_IPS",
        "DB_RECYCLE_AFTER_SCHOOLS_WEB",
    }


def test_compose_pgbouncer_pools_sessions_and_migration_bypasses_it(
    compose: dict[str, Any],
) -> None:
    ini = (REPO / "infra" / "pgbouncer" / "pgbouncer.ini").read_text()
    assert re.search(r"^pool_mode = session$", ini, re.MULTILINE)
    assert compose["configs"]["pgbouncer_ini"]["file"] == "./pgbouncer/pgbouncer.ini"
    assert "@pgbouncer:6432/" in compose["services"]["web"]["environment"]["DATABASE_URL"]
    assert "@postgres:5432/" in compose["services"]["migrate"]["environment"]["DATABASE_URL"]
    # The same pooling settings as the chart's in-chart PgBouncer.
    chart_ini = by_kind(
        objects(
            render(
                {
                    "pgbouncer": {"enabled": True},
                    "secrets": {
                        "keys": [
                            "DJANGO_SECRET_KEY",
                            "DATABASE_URL",
                            "REDIS_URL",
                            "PGBOUNCER_USERLIST",
                        ]
                    },
                }
            )
        ),
        "ConfigMap",
    )["edujournal-pgbouncer"]["data"]["pgbouncer.ini"]

    def settings(text: str) -> dict[str, str]:
        pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
        return {k.strip(): v.strip() for k, v in pairs if not k.strip().startswith((";", "*"))}

    same = ["pool_mode", "auth_type", "server_reset_query", "ignore_startup_parameters"]
    assert {k: settings(ini)[k] for k in same} == {k: settings(chart_ini)[k] for k in same}


# --- Dockerfile -----------------------------------------------------------------------------


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        found.append((word.upper(), rest.strip()))
    return found


def _stages(text: str) -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions(text):
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


BUILD_TOOLS = re.compile(r"\b(build-essential|gcc|g\+\+|make|clang|[a-z0-9.+-]+-dev|cargo|rustc)\b")


def final_stage_problems(text: str) -> list[str]:
    """What is wrong with the image's last stage: root, build tools, no health check."""
    final = _stages(text)[-1]
    problems = []
    users = [args for word, args in final if word == "USER"]
    if not users or users[-1].split(":")[0] in {"root", "0"}:
        problems.append("runs as root")
    for word, args in final:
        if word == "RUN" and re.search(r"\b(apt-get|apt|apk) (install|add)\b", args):
            tools = BUILD_TOOLS.findall(args)
            if tools:
                problems.append(f"installs build tools {tools}")
    if not any(word == "HEALTHCHECK" for word, _ in final):
        problems.append("no HEALTHCHECK")
    return problems


def test_the_image_final_stage_is_non_root_without_build_tools_with_a_healthcheck() -> None:
    text = DOCKERFILE.read_text()
    stages = _stages(text)
    assert len(stages) >= 3  # assets, Python build, runtime
    assert final_stage_problems(text) == []
    final = stages[-1]
    (user,) = [args for word, args in final if word == "USER"]
    assert (
        user
        == "10001:10001"
        == "{0}:{0}".format(merged_values(None)["podSecurityContext"]["runAsUser"])
    )
    # The build stage is where the compiler lives, and it is not the final one.
    assert any(
        BUILD_TOOLS.search(args) for stage in stages[:-1] for word, args in stage if word == "RUN"
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: t.replace("USER 10001:10001", "USER root"), "runs as root"),
        (
            lambda t: t.replace("fonts-dejavu-core \\", "fonts-dejavu-core gcc libpq-dev \\"),
            "installs build tools",
        ),
        (lambda t: re.sub(r"HEALTHCHECK[^\n]*\\\n[^\n]*\n", "", t), "no HEALTHCHECK"),
    ],
    ids=["root", "gcc", "no-healthcheck"],
)
def test_the_dockerfile_check_catches_a_planted_mistake(change: Any, problem: str) -> None:
    planted = change(DOCKERFILE.read_text())
    assert planted != DOCKERFILE.read_text()
    assert any(problem in found for found in final_stage_problems(planted))


def test_the_image_installs_hashed_locks_assets_and_report_libraries() -> None:
    stages = _stages(DOCKERFILE.read_text())
    runs = [args for stage in stages for word, args in stage if word == "RUN"]
    assert any("--require-hashes" in run and "requirements.lock" in run for run in runs)
    assert any("npm ci" in run for run in runs)
    final = stages[-1]
    assert ("COPY", "--from=assets /assets/node_modules /app/node_modules") in final
    final_runs = " ".join(args for word, args in final if word == "RUN")
    # What infra/ensure_report_libs.sh installs for WeasyPrint in development.
    ensure = (REPO / "infra" / "ensure_report_libs.sh").read_text()
    for package in re.findall(r"missing\+=\(([a-z0-9.-]+)\)", ensure):
        assert package in final_runs
    cmd = next(args for word, args in final if word == "CMD")
    assert yaml.safe_load(cmd) == processes()["web"]


# --- The image's health check script ----------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    status = 200
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        type(self).seen.append({"path": self.path, **dict(self.headers.items())})
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def peer() -> Iterator[tuple[http.server.HTTPServer, type[_Recorder]]]:
    handler = type("Handler", (_Recorder,), {"seen": [], "status": 200})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()


def _healthcheck(port: int) -> int:
    env = {
        "HEALTHCHECK_PORT": str(port),
        "PLATFORM_DOMAIN": "edu.example.ru",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, str(REPO / "infra" / "healthcheck.py")],
        env=env,
        capture_output=True,
        timeout=20,
    ).returncode


def test_the_healthcheck_asks_healthz_as_the_platform_host(
    peer: tuple[http.server.HTTPServer, type[_Recorder]],
) -> None:
    server, handler = peer
    assert _healthcheck(server.server_address[1]) == 0
    (request,) = handler.seen
    assert request["path"] == "/healthz"
    assert request["Host"] == "edu.example.ru"
    assert request["X-Forwarded-Proto"] == "https"
    handler.status = 503
    assert _healthcheck(server.server_address[1]) == 1


def test_the_healthcheck_fails_when_nothing_listens(
    peer: tuple[http.server.HTTPServer, type[_Recorder]],
) -> None:
    server, _ = peer
    port = server.server_address[1]
    server.shutdown()
    server.server_close()
    assert _healthcheck(port) == 1
