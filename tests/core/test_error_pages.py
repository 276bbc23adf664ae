"""Every error page is Russian, styled and standalone on every host (issue #15): a missing
page (404), a forbidden one (403), a failing one (500), a bad request (400, a foreign
host header), and a suspended school's 503 whose CSS still loads."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tenants.services import school_suspend
from tests.web.conftest import signed_in
from tests.world import World

STYLESHEET = "/static/core/app.css"


def assert_error_page(response: Any, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="ru">' in html and f"<h1>{heading}</h1>" in html
    assert f"Код ошибки: {status}" in html
    assert STYLESHEET in html and 'href="/"' in html  # styled, with the way back
    return html


@pytest.mark.parametrize("host", ["school1.localhost", "localhost"])
def test_missing_page_is_a_russian_404(school1: Any, host: str) -> None:
    assert_error_page(Client(HTTP_HOST=host).get("/no-such-page/"), 404, "Страница не найдена")


def test_unknown_school_host_is_a_russian_404(db: None) -> None:
    response = Client(HTTP_HOST="nowhere.localhost").get("/")
    assert_error_page(response, 404, "Страница не найдена")


def test_forbidden_page_is_a_russian_403_on_the_school_host(world: World) -> None:
    response = signed_in(world.users["teacher"]).get("/manage/staff/")
    assert_error_page(response, 403, "Доступ запрещён")


def test_forbidden_page_is_a_russian_403_on_the_public_host(world: World) -> None:
    """An account without the operator's role on the operator's console."""
    from accounts.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.create_user("plain", password="x-pass-12345"))
    assert_error_page(client.get("/console/schools/"), 403, "Доступ запрещён")


@pytest.mark.parametrize("host", ["school1.localhost", "localhost"])
def test_failing_page_is_a_russian_500(school1: Any, host: str, monkeypatch: Any) -> None:
    from accounts.views import SignInView

    def broken(self: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(SignInView, "get_context_data", broken)
    response = Client(HTTP_HOST=host, raise_request_exception=False).get("/accounts/login/")
    html = assert_error_page(response, 500, "На сервере произошла ошибка")
    assert "a bug" not in html and "Traceback" not in html


@pytest.mark.parametrize("host", ["school1.localhost", "localhost"])
def test_bad_request_is_a_russian_400(school1: Any, host: str, settings: Any) -> None:
    """More form fields than Django accepts (DATA_UPLOAD_MAX_NUMBER_FIELDS): a 400."""
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = Client(HTTP_HOST=host).post("/accounts/login/", fields)
    assert_error_page(response, 400, "Неверный запрос")


def test_suspended_school_page_keeps_its_styles(
    school1: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        school_suspend(school=school1)
    client = Client(HTTP_HOST="school1.localhost")
    page = client.get("/")
    assert page.status_code == 503 and STYLESHEET in page.content.decode()
    css = client.get(STYLESHEET)
    assert css.status_code == 200 and b".card" in css.getvalue()
    # Only the static files pass: the school's pages and API stay closed.
    assert client.get("/api/v1/me/").status_code == 503


def test_every_page_has_the_favicon(school1: Any) -> None:
    html = Client(HTTP_HOST="school1.localhost").get("/accounts/login/").content.decode()
    assert "/static/core/favicon.svg" in html
    assert Client(HTTP_HOST="school1.localhost").get("/static/core/favicon.svg").status_code == 200


def test_the_api_answers_json_to_a_browser_never_the_english_browsable_page(
    world: World,
) -> None:
    client = signed_in(world.users["teacher"])
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/api/v1/me/", HTTP_ACCEPT=browser_accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["username"] == "teacher"
