"""SEC-2 temporary pupil logins and ROLE-2: a pupil's session never reaches staff views."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from journal.identity.models import Participation, TemporaryLogin
from tests.identity.conftest import Family

NEW_PASSWORD = "Moi-Parol-2026-q"


def staff(family: Family, user: Any) -> APIClient:
    client = APIClient(HTTP_HOST=f"{family.schema}.localhost")
    client.force_authenticate(user)
    return client


def issue(family: Family, **extra: Any) -> dict[str, Any]:
    response = staff(family, family.class_teacher).post(
        "/api/v1/identity/temporary-logins/",
        {
            "pupil_id": family.pupil.pk,
            "request_reason": "Нет учётной записи на Госуслугах",
            "request_date": timezone.localdate().isoformat(),
            **extra,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response["Cache-Control"] == "no-store"
    return dict(response.json())


def pupil_session(family: Family) -> Client:
    credentials = issue(family)
    client = Client(HTTP_HOST=f"{family.schema}.localhost")
    response = client.post(
        "/accounts/login/",
        {"username": credentials["username"], "password": credentials["password"]},
    )
    assert response["Location"] == "/accounts/password/first/"
    response = client.post(
        "/accounts/password/first/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    return client


def test_class_teacher_issues_a_recorded_expiring_login(family1: Family) -> None:
    before = timezone.now()
    credentials = issue(family1)
    assert credentials["username"] == "pupil" and len(credentials["password"]) >= 12
    with schema_context("school1"):
        record = TemporaryLogin.objects.get(pk=credentials["id"])
        assert record.issued_by == family1.class_teacher
        assert record.request_reason == "Нет учётной записи на Госуслугах"
        assert record.request_date == timezone.localdate()
        expected = before + dt.timedelta(days=30)
        assert abs((record.expires_at - expected).total_seconds()) < 60
        assert record.pupil.user.must_change_password
        assert not record.pupil.user.check_password("")


def test_only_the_class_teacher_issues_and_the_list_is_scoped(family1: Family) -> None:
    payload = {
        "pupil_id": family1.pupil.pk,
        "request_reason": "заявление",
        "request_date": timezone.localdate().isoformat(),
    }
    for user in (family1.teacher, family1.director):
        response = staff(family1, user).post(
            "/api/v1/identity/temporary-logins/", payload, format="json"
        )
        assert response.status_code == 403
    response = staff(family1, family1.class_teacher).post(
        "/api/v1/identity/temporary-logins/", {**payload, "request_reason": ""}, format="json"
    )
    assert response.status_code == 400
    issue(family1)
    for user in (family1.class_teacher, family1.journal_admin):
        listed = staff(family1, user).get("/api/v1/identity/temporary-logins/")
        assert listed.status_code == 200 and len(listed.json()) == 1
    assert (
        staff(family1, family1.teacher).get("/api/v1/identity/temporary-logins/").status_code == 403
    )


def test_first_use_changes_the_password_and_is_recorded(family1: Family) -> None:
    client = pupil_session(family1)
    assert client.get("/api/v1/me/").json()["roles"] == ["pupil"]
    with schema_context("school1"):
        record = TemporaryLogin.objects.get(pupil=family1.pupil)
        assert record.first_used_at is not None and record.password_changed_at is not None
        assert Participation.objects.get(user=family1.pupil.user).last_method == "temporary"


def test_expired_login_refuses_sign_in_and_ends_the_session(family1: Family) -> None:
    client = pupil_session(family1)
    assert client.get("/api/v1/me/").status_code == 200
    with schema_context("school1"):
        TemporaryLogin.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me/").status_code == 403
    fresh = Client(HTTP_HOST="school1.localhost")
    response = fresh.post("/accounts/login/", {"username": "pupil", "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert fresh.get("/api/v1/me/").status_code == 403


def test_revoked_login_refuses_sign_in(family1: Family) -> None:
    credentials = issue(family1)
    response = staff(family1, family1.journal_admin).post(
        f"/api/v1/identity/temporary-logins/{credentials['id']}/revoke/"
    )
    assert response.status_code == 200
    client = Client(HTTP_HOST="school1.localhost")
    client.post(
        "/accounts/login/",
        {"username": credentials["username"], "password": credentials["password"]},
    )
    assert client.get("/api/v1/me/").status_code == 403


def _all_routes(resolver: Any = None, prefix: str = "", ns: str = "") -> list[tuple[str, str]]:
    resolver = resolver or get_resolver("config.urls_tenants")
    routes: list[tuple[str, str]] = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{ns}{entry.namespace}:" if entry.namespace else ns
            routes += _all_routes(entry, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            routes.append(("/" + re.sub(r"<(?:int:)?\w+>", "1", route), ns + entry.name))
    return routes


def test_pupil_session_gets_403_from_every_staff_endpoint(family1: Family, settings: Any) -> None:
    client = pupil_session(family1)
    open_names = set(settings.LEARNER_URL_NAMES) | set(settings.LEARNER_READ_URL_NAMES)
    open_names |= set(settings.LEARNER_WRITE_URL_NAMES)  # their messages (issue #16)
    staff_routes = [(path, name) for path, name in _all_routes() if name not in open_names]
    assert len(staff_routes) > 30
    read_namespaces = tuple(f"{ns}:" for ns in settings.LEARNER_READ_NAMESPACES)
    for path, name in staff_routes:
        methods = ("post",) if name.startswith(read_namespaces) else ("get", "post")
        for method in methods:
            response = getattr(client, method)(path)
            assert response.status_code == 403, (method, path, name, response.status_code)
    # Still signed in, still only a pupil: nothing above changed the session.
    assert client.get("/api/v1/me/").json()["roles"] == ["pupil"]


def test_pupil_writes_are_refused_even_on_open_pages(family1: Family) -> None:
    client = pupil_session(family1)
    assert client.post("/api/v1/me/").status_code == 403
    assert client.post(f"/api/v1/roster/pupils/{family1.pupil.pk}/").status_code == 403


@pytest.mark.parametrize("persona", ["pupil", "parent"])
def test_learners_cannot_reach_identity_staff_api_even_with_a_token_session(
    family1: Family, persona: str
) -> None:
    user = family1.pupil.user if persona == "pupil" else family1.parent.user
    client = staff(family1, user)  # DRF-level authentication, bypassing the middleware
    assert client.get("/api/v1/identity/temporary-logins/").status_code == 403
    response = client.post(
        "/api/v1/identity/invitations/", {"user_id": family1.pupil.user.pk}, format="json"
    )
    assert response.status_code == 403
    url = f"/api/v1/identity/classes/{family1.class_group.pk}/participation/"
    assert client.get(url).status_code == 403
