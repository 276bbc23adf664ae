"""TEN-3: nothing of one school is visible from another (ORM, cache, sessions, hosts)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from accounts.models import User
from tenants.services import school_resume, school_suspend


def test_row_written_in_school_a_is_invisible_from_school_b(school1: Any, school2: Any) -> None:
    with schema_context("school1"):
        User.objects.create_user("pupil_petrov", password="x-long-pass-1")
        assert User.objects.filter(username="pupil_petrov").exists()
    with schema_context("school2"):
        assert not User.objects.filter(username="pupil_petrov").exists()
        # Each school's admin is its own row: same username, different schema.
        assert User.objects.filter(username="admin").count() == 1
    with schema_context("public"):
        assert not User.objects.filter(username="pupil_petrov").exists()


def test_same_cache_key_holds_different_values_per_school(school1: Any, school2: Any) -> None:
    with schema_context("school1"):
        cache.set("timetable:5A", "school1 timetable")
    with schema_context("school2"):
        assert cache.get("timetable:5A") is None
        cache.set("timetable:5A", "school2 timetable")
    with schema_context("school1"):
        assert cache.get("timetable:5A") == "school1 timetable"
    with schema_context("school2"):
        assert cache.get("timetable:5A") == "school2 timetable"
        cache.delete("timetable:5A")
    with schema_context("school1"):
        assert cache.get("timetable:5A") == "school1 timetable"


def test_session_cookie_from_school_a_is_refused_on_school_b(school1: Any, school2: Any) -> None:
    with schema_context("school1"):
        User.objects.create_user("teacher_a", password="x-long-pass-1")
    client_a = APIClient(HTTP_HOST="school1.localhost")
    login = client_a.post(
        "/accounts/login/", {"username": "teacher_a", "password": "x-long-pass-1"}
    )
    assert login.status_code == 302
    assert client_a.get("/api/v1/me/").json()["username"] == "teacher_a"
    cookie = login.cookies["__Host-sessionid"]
    # Host-only: no Domain attribute, so a browser never sends it to another host.
    assert cookie["domain"] == ""
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["path"] == "/"

    # Even if the cookie is replayed by hand, school B has no such session.
    client_b = APIClient(HTTP_HOST="school2.localhost")
    client_b.cookies["__Host-sessionid"] = cookie.value
    response = client_b.get("/api/v1/me/")
    assert response.status_code == 403
    # ...and the public host neither.
    client_p = APIClient(HTTP_HOST="localhost")
    client_p.cookies["__Host-sessionid"] = cookie.value
    assert client_p.get("/api/v1/me/").status_code == 403


def test_unknown_host_gets_404(db: None) -> None:
    client = APIClient(HTTP_HOST="nosuchschool.localhost")
    assert client.get("/readyz").status_code == 404
    assert client.get("/").status_code == 404
    # A host outside ALLOWED_HOSTS as well.
    assert APIClient(HTTP_HOST="evil.example.com").get("/healthz").status_code == 404


def test_suspended_school_gets_503_and_data_survives_resume(
    school1: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with schema_context("school1"):
        User.objects.create_user("kept_user", password="x-long-pass-1")
    client = APIClient(HTTP_HOST="school1.localhost")
    assert client.get("/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        school_suspend(school=school1)
    response = client.get("/")
    assert response.status_code == 503
    assert "приостановлен" in response.content.decode()
    assert client.get("/api/v1/me/").status_code == 503
    assert client.post("/api/v1/me/", {}).status_code == 503
    # Other schools are untouched.
    assert APIClient(HTTP_HOST="school2.localhost").get("/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        school_resume(school=school1)
    assert client.get("/").status_code == 200
    with schema_context("school1"):
        assert client.login(username="kept_user", password="x-long-pass-1")
    assert client.get("/api/v1/me/").json()["username"] == "kept_user"


def test_operator_suspends_and_resumes_through_the_api(
    operator_client: Any, school2: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(f"/api/v1/schools/{school2.pk}/suspend/")
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    assert APIClient(HTTP_HOST="school2.localhost").get("/healthz").status_code == 503
    # Resuming an active school is refused with a clear message.
    with django_capture_on_commit_callbacks(execute=True):
        assert operator_client.post(f"/api/v1/schools/{school2.pk}/resume/").status_code == 200
    again = operator_client.post(f"/api/v1/schools/{school2.pk}/resume/")
    assert again.status_code == 400
    assert "приостановленную" in again.json()["detail"]
    assert APIClient(HTTP_HOST="school2.localhost").get("/healthz").status_code == 200


def test_school_status_api_is_operator_only(
    public_client: Any, department_user: Any, school2: Any
) -> None:
    public_client.force_authenticate(department_user)
    assert public_client.post(f"/api/v1/schools/{school2.pk}/suspend/").status_code == 403
    school2.refresh_from_db()
    assert school2.status == "active"
    assert public_client.get("/api/v1/schools/").status_code == 403


def test_warm_request_makes_no_query_to_the_domain_table(school1: Any) -> None:
    client = APIClient(HTTP_HOST="school1.localhost")
    assert client.get("/healthz").status_code == 200  # cold: fills the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if "tenants_domain" in q["sql"]]
    assert not [q for q in queries.captured_queries if "tenants_school" in q["sql"]]


def test_cold_request_reads_the_domain_table_once(school1: Any) -> None:
    client = APIClient(HTTP_HOST="school1.localhost")
    with CaptureQueriesContext(connection) as queries:
        client.get("/healthz")
    assert len([q for q in queries.captured_queries if "tenants_domain" in q["sql"]]) == 1


def test_unknown_hosts_are_negatively_cached(db: None) -> None:
    client = APIClient(HTTP_HOST="ghost.localhost")
    client.get("/healthz")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 404
    assert queries.captured_queries == []


def test_new_school_host_is_served_at_once_after_onboarding(
    operator_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A host looked up (and cached as unknown) before onboarding answers right after it."""
    client = APIClient(HTTP_HOST="fresh.localhost")
    assert client.get("/healthz").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            "/api/v1/schools/",
            {
                "slug": "fresh",
                "name": "Школа № 5",
                "short_name": "Школа № 5",
                "inn": "5001007329",
                "admin_email": "a@fresh.example",
            },
            format="json",
        )
    assert response.status_code == 201
    assert client.get("/healthz").status_code == 200
