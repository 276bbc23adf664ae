"""Security headers (issue #11, OWASP ASVS V3.4): every page and API answer of both hosts
carries a Content-Security-Policy without inline code, a Permissions-Policy, and production
sends HSTS. No template holds an inline script, event-handler attribute or style attribute
(they would be blocked by the policy)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tests.web.conftest import signed_in
from tests.world import World, build_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(school1: Any) -> World:
    with schema_context("school1"):
        return build_world()


def directives(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_secure_headers(response: Any, where: str) -> None:
    assert "Content-Security-Policy" in response, where
    csp = directives(response)
    assert csp["default-src"] == ["'self'"], where
    assert csp["script-src"] == ["'self'"], where
    assert csp["style-src"] == ["'self'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert csp["object-src"] == ["'none'"], where
    assert csp["form-action"][0] == "'self'", where
    assert "unsafe" not in response["Content-Security-Policy"], where
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy, where
    assert response["X-Frame-Options"] == "DENY", where


def test_public_host_pages_carry_the_headers(operator: Any) -> None:
    anonymous = Client(HTTP_HOST="localhost")
    signed = Client(HTTP_HOST="localhost")
    signed.force_login(operator)
    samples = [
        (anonymous, "/"),
        (anonymous, "/sso/"),
        (anonymous, "/accounts/login/"),
        (anonymous, "/api/docs/"),
        (anonymous, "/healthz"),
        (anonymous, "/no-such-page/"),
        (signed, "/console/schools/"),
        (signed, "/console/templates/"),
        (signed, "/api/v1/schools/"),
    ]
    for client, path in samples:
        response = client.get(path)
        assert response.status_code < 500, path
        assert_secure_headers(response, f"public {path} {response.status_code}")


def test_school_host_pages_carry_the_headers(world: World) -> None:
    teacher = signed_in(world.users["teacher"])
    parent = signed_in(world.users["parent"])
    anonymous = Client(HTTP_HOST="school1.localhost")
    grid = f"/journals/{world.math5a.pk}/"
    samples = [
        (anonymous, "/accounts/login/"),
        (anonymous, "/"),
        (teacher, "/"),
        (teacher, grid),
        (teacher, f"/api/v1/register/lessons/{world.lesson_today.pk}/files/"),
        (parent, "/"),
        (teacher, f"/lessons/{world.lesson_today.pk}/"),
        (teacher, "/teacher/today/"),
        (parent, "/control/"),  # refused by the learners' guard: still with headers
    ]
    seen = set()
    for client, path in samples:
        response = client.get(path)
        assert response.status_code < 500, path
        assert_secure_headers(response, f"school {path} {response.status_code}")
        seen.add(response.status_code)
    assert 200 in seen


def test_the_sso_hand_over_posts_to_a_school_host_the_policy_allows() -> None:
    """The portal's hand-over form posts to <school>.<PLATFORM_DOMAIN>: form-action names it."""
    from django.conf import settings

    allowed = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]
    assert f"*.{settings.PLATFORM_DOMAIN}:*" in allowed
    template = (ROOT / "platform/identity/templates/identity/handover.html").read_text()
    assert "identity/handover.js" in template and "<script>" not in template


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
]


# A print template is rendered to PDF by WeasyPrint and never served to a browser, so no
# Content-Security-Policy applies to it; its CSS carries the form's code and the data's
# moment in the page margins. It says so in its first line.
PDF_ONLY = "{# pdf-only:"


def test_no_template_holds_inline_code_or_styles() -> None:
    found = []
    for folder in ("platform", "journal", "tenants", "billing_free_check"):
        for template in (ROOT / folder).rglob("templates/**/*.html"):
            text = template.read_text()
            if text.startswith(PDF_ONLY):
                assert "<script" not in text.lower(), f"{template}: a print template runs no script"
                continue
            for pattern, what in INLINE:
                for match in pattern.finditer(text):
                    found.append(f"{template.relative_to(ROOT)}: {what}: {match.group(0)}")
    assert not found, "\n".join(found)


def test_production_sends_hsts_and_secure_cookies() -> None:
    code = (
        "import config.settings.prod as p; "
        "print(p.SECURE_HSTS_SECONDS, p.SECURE_HSTS_INCLUDE_SUBDOMAINS, p.SECURE_SSL_REDIRECT, "
        "p.SESSION_COOKIE_SECURE, p.CSRF_COOKIE_SECURE, "
        "'csp.middleware.CSPMiddleware' in p.MIDDLEWARE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
            "DJANGO_SECRET_KEY": "test-only-production-settings-check",
            "SENTRY_DSN": "",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seconds, subdomains, redirect, session, csrf, csp = result.stdout.split()
    assert int(seconds) >= 60 * 60 * 24 * 365
    assert (subdomains, redirect, session, csrf, csp) == ("True",) * 5


def test_hsts_header_is_sent_over_https_with_production_values(db: None, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client(HTTP_HOST="localhost").get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
