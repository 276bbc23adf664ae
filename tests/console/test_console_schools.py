"""Operator console pages (TEN-2): operator only; Russian form errors that keep the input."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from accounts.models import User
from tenants.models import School

VALID = {
    "slug": "school7",
    "name": "МБОУ «СОШ № 7»",
    "short_name": "СОШ № 7",
    "inn": "5258052348",
    "admin_email": "director@school7.example",
}


def signed_in(user: Any, host: str = "localhost") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def test_operator_sees_schools_with_status(operator: Any, school1: Any) -> None:
    page = signed_in(operator).get("/console/schools/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "СОШ № 1" in html and "Гимназия № 2" in html
    assert "school1.localhost" in html
    assert "Работает" in html


def test_anonymous_is_sent_to_login(db: None) -> None:
    page = Client(HTTP_HOST="localhost").get("/console/schools/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


def test_department_user_gets_403_everywhere(department_user: Any, school1: Any) -> None:
    client = signed_in(department_user)
    assert client.get("/console/schools/").status_code == 403
    assert client.get("/console/schools/new/").status_code == 403
    assert client.post("/console/schools/new/", VALID).status_code == 403
    assert client.post(f"/console/schools/{school1.pk}/suspend/").status_code == 403
    assert client.get(f"/console/schools/{school1.pk}/suspend/").status_code == 403
    assert client.post(f"/console/free-check/schools/{school1.pk}/run/").status_code == 403
    school1.refresh_from_db()
    assert school1.status == "active"
    assert not School.objects.filter(slug="school7").exists()


def test_school_user_has_no_console_on_a_school_host(school1: Any) -> None:
    with schema_context("school1"):
        admin = User.objects.get(username="admin")
        client = Client(HTTP_HOST="school1.localhost")
        client.force_login(admin)
    assert client.get("/console/schools/").status_code == 404


def test_bad_input_shows_russian_errors_and_keeps_what_was_typed(operator: Any) -> None:
    page = signed_in(operator).post(
        "/console/schools/new/", {**VALID, "inn": "1234567890", "slug": "school1"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    # Both bad fields are reported at once (the taken address and the bad INN), and what
    # was typed stays in the form.
    assert "Школа с таким адресом уже есть." in html
    assert "ИНН юридического лица" in html
    assert 'value="МБОУ «СОШ № 7»"' in html
    assert not schema_exists("school7")
    page = signed_in(operator).post("/console/schools/new/", {**VALID, "inn": "1234567890"})
    assert "ИНН юридического лица: 10 цифр с верной контрольной цифрой." in page.content.decode()
    assert 'value="school7"' in page.content.decode()
    assert not School.objects.filter(slug="school7").exists()


def test_operator_onboards_a_school_and_sees_the_password_once(
    operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = signed_in(operator).post("/console/schools/new/", VALID)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "http://school7.localhost/" in html
    assert schema_exists("school7")
    assert Client(HTTP_HOST="school7.localhost").get("/").status_code == 200


def test_operator_suspends_and_resumes_from_the_list(
    operator: Any, school2: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(operator)
    # Suspending asks first, naming the school; a wrong confirmation changes nothing.
    ask = client.get(f"/console/schools/{school2.pk}/suspend/").content.decode()
    assert "Приостановить работу школы «" in ask and 'name="confirm"' in ask
    wrong = client.post(f"/console/schools/{school2.pk}/suspend/", {"confirm": "school1"})
    assert wrong.status_code == 400 and "Введите адрес школы: school2." in wrong.content.decode()
    assert Client(HTTP_HOST="school2.localhost").get("/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/console/schools/{school2.pk}/suspend/", {"confirm": "school2"}, follow=True
        )
    assert "приостановлена" in done.content.decode()
    assert Client(HTTP_HOST="school2.localhost").get("/").status_code == 503
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/console/schools/{school2.pk}/resume/")
    assert Client(HTTP_HOST="school2.localhost").get("/").status_code == 200
    # Resuming an active school is refused with a message, not an error page.
    again = client.post(f"/console/schools/{school2.pk}/resume/", follow=True)
    assert "Возобновить можно только приостановленную школу." in again.content.decode()


def test_status_change_requires_post(operator: Any, school2: Any) -> None:
    client = signed_in(operator)
    assert client.get(f"/console/schools/{school2.pk}/resume/").status_code == 405
    assert client.get(f"/console/schools/{school2.pk}/suspend/").status_code == 200  # the question
    assert client.post(f"/console/schools/{school2.pk}/delete/").status_code == 404


def test_archiving_a_school_is_confirmed_by_its_address(
    operator: Any, school2: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/console/schools/{school2.pk}/suspend/", {"confirm": "school2"})
    listing = client.get("/console/schools/").content.decode()
    assert f"/console/schools/{school2.pk}/archive/" in listing
    assert client.post(f"/console/schools/{school2.pk}/archive/").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/console/schools/{school2.pk}/archive/", {"confirm": "school2"}, follow=True
        )
    assert "отправлена в архив" in done.content.decode()
    assert "передан" in Client(HTTP_HOST="school2.localhost").get("/").content.decode()


def test_operator_audits_one_school_now(operator: Any, school2: Any) -> None:
    from billing_free_check.models import SchoolAudit

    client = signed_in(operator)
    before = SchoolAudit.objects.filter(school=school2).count()
    done = client.post(f"/console/free-check/schools/{school2.pk}/run/", follow=True)
    assert "платных сервисов не найдено" in done.content.decode()
    assert SchoolAudit.objects.filter(school=school2).count() == before + 1
    assert client.get(f"/console/free-check/schools/{school2.pk}/run/").status_code == 405


def test_console_list_query_count_does_not_grow_with_schools(
    operator: Any, school1: Any, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(operator)
    client.get("/console/schools/")  # warm the tenant cache
    with django_assert_max_num_queries(8):
        assert client.get("/console/schools/").status_code == 200
