"""The journal's OpenAPI schema: served on a school's host, valid, every route documented.

`spectacular --fail-on-warn` on the journal's routes must pass: every view declares its
request and response serializers (no "unable to guess serializer"), and component names
do not collide.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from journal.urls import urlpatterns

ROOT = Path(__file__).resolve().parents[2]


def _journal_paths() -> set[str]:
    return {"/api/v1/" + re.sub(r"<int:(\w+)>", r"{\1}", str(p.pattern)) for p in urlpatterns}


def test_schema_on_school_host_is_valid_openapi3_with_journal_paths(school1: Any) -> None:
    response = APIClient(HTTP_HOST="school1.localhost").get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    missing = _journal_paths() - set(schema["paths"])
    assert not missing, missing
    # Every journal operation documents a successful response with a body schema.
    for path in _journal_paths():
        for method, operation in schema["paths"][path].items():
            ok = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
            assert ok, (method, path)
            assert all("content" in r for r in ok.values()), (method, path, ok)


def _spectacular(urlconf: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
    }
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "platform" / "manage.py"),
            "spectacular",
            "--file",
            str(tmp_path / "schema.yaml"),
            "--validate",
            "--urlconf",
            urlconf,
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_spectacular_fail_on_warn_passes_for_journal_routes(tmp_path: Path) -> None:
    result = _spectacular("tests.journal.schema_urls", tmp_path, "--fail-on-warn")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr
    written = (tmp_path / "schema.yaml").read_text()
    assert written.startswith("openapi: 3.")
    assert all(f"  {path}:" in written for path in _journal_paths())


def test_school_urlconf_schema_has_no_journal_warnings(tmp_path: Path) -> None:
    """The whole school URLconf: whatever other apps report, nothing comes from journal/."""
    result = _spectacular("config.urls_tenants", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    journal_lines = [
        line
        for line in result.stderr.splitlines()
        if f"{ROOT}/journal/" in line or "enum naming" in line
    ]
    assert not journal_lines, journal_lines
