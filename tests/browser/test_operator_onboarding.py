"""Browser: the operator onboards a school and opens its subdomain (TEN-2, issue 5)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from core.tenancy import db
from tenants.models import School
from tests.otp import platform_operator, totp_code

PASSWORD = "x-operator-browser-1"


def make_operator() -> User:
    return platform_operator(
        "browser_operator", PASSWORD, first_name="Ольга", last_name="Операторова"
    )


def current_code(user: User) -> str:
    db.set_schema_to_public()
    return totp_code(user)


def drop_operator() -> None:
    db.set_schema_to_public()
    User.objects.filter(username="browser_operator").delete()


def drop_school() -> None:
    db.set_schema_to_public()
    for school in School.objects.filter(slug="brs-demo"):
        school.delete(force_drop=True)  # type: ignore[call-arg]


def test_operator_onboards_a_school_and_opens_its_subdomain(
    page: Any, url: Any, screenshot: Any, committed: Any
) -> None:
    operator = committed(make_operator, drop_operator)
    committed(lambda: None, drop_school)

    page.goto(url("localhost", "/console/schools/"))
    assert "/accounts/login/" in page.url  # anonymous: sent to sign in first
    page.get_by_label("Имя пользователя").fill("browser_operator")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.locator("#id_token").fill(committed(lambda: current_code(operator)))
    page.get_by_role("button", name="Подтвердить").click()
    page.get_by_role("heading", name="Школы муниципалитета").wait_for()
    screenshot(page, "operator-schools")

    page.get_by_role("link", name="Подключить школу").click()
    page.get_by_label("Адрес (поддомен)").fill("brs-demo")
    page.get_by_label("Полное наименование").fill("МБОУ «Школа для браузерного теста»")
    page.get_by_label("Краткое наименование").fill("Школа-тест")
    page.get_by_label("ИНН").fill("123")  # wrong on purpose: the form keeps the rest
    page.get_by_label("Эл. почта администратора").fill("director@brs.example")
    page.get_by_role("button", name="Подключить").click()
    page.get_by_text("Убедитесь, что это значение содержит не менее 10 символов").wait_for()
    assert page.get_by_label("Адрес (поддомен)").input_value() == "brs-demo"
    screenshot(page, "operator-onboard-error")

    page.get_by_label("ИНН").fill("3662010013")
    page.get_by_role("button", name="Подключить").click()
    page.get_by_role("heading", name="Школа «Школа-тест» подключена").wait_for()
    password = page.locator("#admin-password").inner_text()
    assert len(password) >= 12
    screenshot(page, "operator-onboard-done")

    page.locator("#school-url").click()
    page.wait_for_url("**brs-demo.localhost**")
    page.get_by_role("heading", name="МБОУ «Школа для браузерного теста»").wait_for()
    screenshot(page, "new-school-home")

    # The operator's session does not follow to the school's host: cookies are host-only.
    assert page.get_by_role("button", name="Выйти").count() == 0
    cookies = page.context.cookies()
    session = [c for c in cookies if c["name"] == "__Host-sessionid"]
    assert session and all(c["domain"] == "localhost" for c in session)
