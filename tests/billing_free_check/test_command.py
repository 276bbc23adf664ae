"""FREE-1: the CLI for CI and operators; non-zero exit on any finding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

REPO = Path(__file__).resolve().parents[2]


def run(fmt: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("billing_free_check", format=fmt, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_clean_project_exits_zero_with_json() -> None:
    code, out = run("json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "count": 0, "findings": []}


def test_paid_integration_exits_one_and_lists_what_to_change() -> None:
    with override_settings(
        SENTRY_DSN="https://abc@o1.ingest.sentry.io/2",
        INTEGRATIONS={"sms": {"provider": "twilio", "url": "https://api.twilio.com"}},
    ):
        code, out = run("json")
        text_code, text = run("text")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["count"] == 2
    assert {f["subject"] for f in report["findings"]} == {"SENTRY_DSN", "INTEGRATIONS['sms']"}
    assert set(report["findings"][0]) == {"code", "kind", "subject", "message", "fix"}
    assert text_code == 1
    assert "[E001] paid_integration: SENTRY_DSN" in text and "fix:" in text


@pytest.mark.parametrize("settings_module", ["config.settings.test", "config.settings.dev"])
def test_cli_in_a_fresh_process_passes_on_the_real_project(settings_module: str) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'platform'}",
    }
    env.pop("SENTRY_DSN", None)
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "platform" / "manage.py"),
            "billing_free_check",
            "--format",
            "text",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


def test_cli_in_a_fresh_process_fails_on_a_planted_paid_dsn() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'platform'}",
        "SENTRY_DSN": "https://abc@o1.ingest.sentry.io/2",
    }
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "platform" / "manage.py"),
            "billing_free_check",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["findings"][0]["kind"] == "paid_integration"
