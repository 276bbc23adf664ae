"""The school host's whole OpenAPI schema (`config.urls_tenants`) builds with
`spectacular --validate --fail-on-warn`: /api/v1/me/ and the identity API declare their
request and response bodies, and no component names collide."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

IDENTITY_OPERATIONS = {
    ("/api/v1/me/", "get"): "200",
    ("/api/v1/identity/temporary-logins/", "get"): "200",
    ("/api/v1/identity/temporary-logins/", "post"): "201",
    ("/api/v1/identity/temporary-logins/{temporary_login_id}/revoke/", "post"): "200",
    ("/api/v1/identity/invitations/", "post"): "201",
    ("/api/v1/identity/attributes/", "post"): "201",
    ("/api/v1/identity/staff/{user_id}/password-reset/", "post"): "201",
    ("/api/v1/identity/classes/{class_group_id}/participation/", "get"): "200",
}


def test_school_urlconf_schema_passes_fail_on_warn(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "platform" / "manage.py"),
            "spectacular",
            "--urlconf",
            "config.urls_tenants",
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
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr
    schema = yaml.safe_load(target.read_text())
    for (path, method), code in IDENTITY_OPERATIONS.items():
        operation = schema["paths"][path][method]
        body = operation["responses"][code]["content"]["application/json"]["schema"]
        assert body, (path, method)
    me = schema["components"]["schemas"]["MeOutput"]["properties"]
    assert set(me) == {"id", "username", "full_name", "roles", "schema"}
    issued = schema["components"]["schemas"]["InvitationIssued"]["properties"]
    assert set(issued) == {"code", "expires_at"}
