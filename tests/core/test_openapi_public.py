"""The public host's OpenAPI schema (`config.urls_public`: schools, catalogue, free-check)
builds with `spectacular --validate --fail-on-warn`: component names come from the
serializers' qualified names (core.openapi), so nested `InputSerializer`s never collide."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_public_urlconf_schema_passes_fail_on_warn(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "platform" / "manage.py"),
            "spectacular",
            "--urlconf",
            "config.urls_public",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(target),
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Warning" not in result.stderr, result.stderr
    schema = yaml.safe_load(target.read_text())
    create = schema["paths"]["/api/v1/schools/"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/SchoolListInput")
    assert "SchoolStatusEnum" in schema["components"]["schemas"]
    # The department's read-only API (issue #13).
    for path in (
        "overview/",
        "table/",
        "charts/{name}/",
        "reports/{code}/",
        "reports/{code}/xlsx/",
    ):
        assert f"/api/v1/department/{path}" in schema["paths"], path
