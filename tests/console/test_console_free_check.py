"""Operator console: FREE-1 audit results per school and the platform check on demand."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import User
from billing_free_check.models import SchoolAudit

URL = "/console/free-check/"
RUN = "/console/free-check/run/"

FINDING = {
    "code": "E001",
    "kind": "paid_integration",
    "subject": "SENTRY_DSN",
    "message": "SENTRY_DSN: платный сервис «Sentry SaaS (sentry.io)»",
    "fix": "Use self-hosted Sentry or GlitchTip instead.",
}


def signed_in(user: Any, host: str = "localhost") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def test_operator_sees_the_newest_audit_of_each_school_with_findings(
    operator: Any, school1: Any, school2: Any
) -> None:
    SchoolAudit.objects.create(school=school1, ok=True, findings=[])
    SchoolAudit.objects.create(school=school1, ok=False, findings=[FINDING])  # newest
    SchoolAudit.objects.create(school=school2, ok=True, findings=[])
    page = signed_in(operator).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-school="school1"' in html and 'data-school="school2"' in html
    assert html.count('data-school="school1"') == 1
    assert "Sentry SaaS" in html and "Нарушений: 1" in html
    assert "Школ с нарушениями: 1" in html


def test_operator_runs_the_platform_check_now(operator: Any, school1: Any) -> None:
    client = signed_in(operator)
    assert client.get(RUN).status_code == 405
    done = client.post(RUN, follow=True)
    assert done.status_code == 200
    html = done.content.decode()
    assert "Проверка платформы" in html
    assert "платных сервисов не найдено" in html  # the real project is clean
    assert 'id="platform-check"' in html and "Нарушений нет." in html


def test_department_user_gets_403_and_no_check_runs(department_user: Any, school1: Any) -> None:
    SchoolAudit.objects.create(school=school1, ok=False, findings=[FINDING])
    client = signed_in(department_user)
    assert client.get(URL).status_code == 403
    assert client.post(RUN).status_code == 403
    assert "console:platform-free-check" not in client.session


def test_anonymous_goes_to_login_and_school_host_has_no_such_page(school1: Any) -> None:
    for url in (URL,):
        page = Client(HTTP_HOST="localhost").get(url)
        assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert Client(HTTP_HOST="localhost").post(RUN).status_code == 302
    with schema_context("school1"):
        admin = User.objects.get(username="admin")
        client = Client(HTTP_HOST="school1.localhost")
        client.force_login(admin)
    assert client.get(URL).status_code == 404
    assert client.post(RUN).status_code == 404


def test_audit_list_query_count_does_not_grow_with_schools(
    operator: Any, school1: Any, school2: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    SchoolAudit.objects.create(school=school1, ok=False, findings=[FINDING])
    client = signed_in(operator)
    client.get(URL)  # warm the tenant cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for _ in range(3):
        SchoolAudit.objects.create(school=school2, ok=False, findings=[FINDING, FINDING])
        SchoolAudit.objects.create(school=school1, ok=True, findings=[])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
