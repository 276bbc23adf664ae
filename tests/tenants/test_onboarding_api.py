"""TEN-2: the operator onboards a school in one step, through the API."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context, schema_exists

from accounts.models import User
from core.tenancy import db as tenant_db
from tenants.models import Domain, School

URL = "/api/v1/schools/"


def payload(**overrides: Any) -> dict[str, Any]:
    data = {
        "slug": "school9",
        "name": "МБОУ «Основная общеобразовательная школа № 9»",
        "short_name": "ООШ № 9",
        "inn": "5258052348",
        "municipality_code": "22701000",
        "admin_email": "director@school9.example",
        "admin_last_name": "Иванова",
        "admin_first_name": "Мария",
    }
    data.update(overrides)
    return data


def assert_nothing_left(slug: str) -> None:
    tenant_db.set_schema_to_public()
    assert not School.objects.filter(slug=slug).exists()
    assert not Domain.objects.filter(domain__startswith=f"{slug}.").exists()
    assert not schema_exists(slug.replace("-", "_"))


def test_operator_creates_school_reachable_on_its_subdomain(
    operator_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(URL, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["school"]["schema_name"] == "school9"
    assert body["school"]["domain"] == "school9.localhost"
    assert body["url"].startswith("http://school9.localhost")
    assert body["admin_username"] == "admin"
    assert len(body["admin_password"]) >= 12
    assert response["Cache-Control"] == "no-store"

    # The new host answers, in its own schema, and the first admin can sign in there.
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST="school9.localhost")
    assert client.get("/readyz").status_code == 200
    with schema_context("school9"):
        assert client.login(username="admin", password=body["admin_password"])
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["schema"] == "school9"
    assert set(me.json()["roles"]) == {"director", "journal_admin"}

    with schema_context("school9"):
        admin = User.objects.get(username="admin")
        assert admin.must_change_password
        assert admin.password.startswith(("pbkdf2_", "md5$"))  # hashed, never clear


def test_clone_brings_roles_content_types_and_sequences(operator_client: Any) -> None:
    response = operator_client.post(
        URL, payload(slug="clone-check", inn="7830002293"), format="json"
    )
    assert response.status_code == 201
    with schema_context("clone_check"):
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType

        assert {"director", "teacher", "pupil", "parent"} <= set(
            Group.objects.values_list("name", flat=True)
        )
        assert not Group.objects.filter(name="operator").exists()
        assert ContentType.objects.filter(app_label="accounts", model="user").exists()
        assert Permission.objects.filter(codename="add_user").exists()
        # Sequences continue after the cloned rows: a new group gets a fresh id.
        group = Group.objects.create(name="extra")
        assert group.pk > max(Group.objects.exclude(pk=group.pk).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "school1"}, "slug"),  # duplicate of an existing school
        ({"slug": "Bad_Slug!"}, "slug"),
        ({"slug": "ab"}, "slug"),
        ({"slug": "www"}, "slug"),
        ({"inn": "1234567890"}, "inn"),  # bad check digit
        ({"inn": "7707083893"}, "inn"),  # INN of school1
        ({"municipality_code": "12ab"}, "municipality_code"),
        ({"admin_email": "not-an-email"}, "admin_email"),
    ],
)
def test_bad_input_gets_400_with_field_errors_and_leaves_nothing(
    operator_client: Any, overrides: dict[str, Any], field: str
) -> None:
    slug_before = School.objects.count()
    response = operator_client.post(URL, payload(**overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert School.objects.count() == slug_before
    if overrides.get("slug") not in {"school1"}:
        assert_nothing_left(str(overrides.get("slug", "school9")).lower())


@pytest.mark.parametrize("missing", ["slug", "name", "short_name", "inn", "admin_email"])
def test_missing_fields_are_named(operator_client: Any, missing: str) -> None:
    data = payload()
    del data[missing]
    response = operator_client.post(URL, data, format="json")
    assert response.status_code == 400
    assert missing in response.json()["errors"]
    assert_nothing_left("school9")


def test_failure_after_clone_rolls_back_schema_domain_and_user(
    operator_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure at the last step (first admin) leaves no schema, domain or school row."""
    from tenants import services

    def boom(**kwargs: Any) -> Any:
        assert schema_exists("school9")  # the clone really happened before the failure
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_create_first_admin", boom)
    operator_client.raise_request_exception = False
    response = operator_client.post(URL, payload(), format="json")
    assert response.status_code == 500
    assert_nothing_left("school9")


def test_non_operator_gets_403_and_nothing_is_created(
    public_client: Any, department_user: Any
) -> None:
    public_client.force_authenticate(department_user)
    response = public_client.post(URL, payload(), format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert_nothing_left("school9")


def test_anonymous_gets_403(public_client: Any) -> None:
    response = public_client.post(URL, payload(), format="json")
    assert response.status_code == 403
    assert_nothing_left("school9")


def test_school_user_cannot_onboard_from_a_school_host(school1: Any) -> None:
    """The schools API exists only on the public host; a school's own admin has no route."""
    from rest_framework.test import APIClient

    with schema_context("school1"):
        admin = User.objects.get(username="admin")
    client = APIClient(HTTP_HOST="school1.localhost")
    client.force_authenticate(admin)
    assert client.post(URL, payload(), format="json").status_code == 404
    assert_nothing_left("school9")


def test_operator_lists_schools_without_the_public_site(operator_client: Any) -> None:
    response = operator_client.get(URL)
    assert response.status_code == 200
    slugs = [s["slug"] for s in response.json()]
    assert slugs == ["school1", "school2"]
