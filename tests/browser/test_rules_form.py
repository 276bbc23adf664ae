"""Browser: the operator edits a template's rules in the form with fields per rule (issue
#15, TPL-1): a number, a checkbox, a new work kind's row; a wrong value is refused in
Russian next to its field; the draft is created with the changes. axe-core checks the form."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from catalog.models import RegulationTemplate, RegulationVersion
from catalog.seed import DEFAULT_REGULATION_CODE
from core.tenancy import db
from tests.otp import platform_operator, totp_code

USERNAME = "browser_rules_operator"
PASSWORD = "x-operator-browser-2"
TITLE = "Редакция из браузера"


def make_operator() -> User:
    return platform_operator(USERNAME, PASSWORD, first_name="Ирина")


def drop() -> None:
    db.set_schema_to_public()
    RegulationVersion.objects.filter(title=TITLE).delete()
    User.objects.filter(username=USERNAME).delete()


def code_of(user: User) -> str:
    db.set_schema_to_public()
    return totp_code(user)


def test_operator_edits_rules_in_fields_and_gets_russian_errors(
    page: Any, url: Any, screenshot: Any, committed: Any
) -> None:
    operator = committed(make_operator, drop)
    template = committed(lambda: RegulationTemplate.objects.get(code=DEFAULT_REGULATION_CODE))
    page.goto(url("localhost", f"/console/templates/{template.pk}/versions/new/"))
    page.get_by_label("Имя пользователя").fill(USERNAME)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.locator("#id_token").fill(committed(lambda: code_of(operator)))
    page.get_by_role("button", name="Подтвердить").click()
    page.get_by_role("heading", name="Новая редакция", exact=False).wait_for()
    screenshot(page, "console-rules-form")

    page.get_by_label("Заголовок редакции").fill(TITLE)
    printouts = page.get_by_label("Периодичность распечаток для родителей")
    printouts.fill("0")
    page.get_by_role("button", name="Создать черновик").click()
    page.locator("#rule__parent_printout_days-errors").get_by_text("Не меньше 1.").wait_for()

    page.get_by_label("Периодичность распечаток для родителей").fill("10")
    page.get_by_label("Исправления разрешены").check()
    rows = page.locator("table.rule-rows").first.locator("tbody tr")
    new_row = rows.nth(rows.count() - 2)  # the first empty row
    new_row.locator("input[type=text]").fill("Диктант на слух")
    new_row.locator("input[type=number]").first.fill("2")
    page.get_by_role("button", name="Создать черновик").click()
    page.get_by_text("Создан черновик редакции", exact=False).wait_for()

    version = committed(lambda: RegulationVersion.objects.get(title=TITLE))
    assert version.rules["parent_printout_days"] == 10
    assert version.rules["correction"]["allowed"] is True
    assert version.rules["work_kinds"][-1]["title"] == "Диктант на слух"
    assert version.rules["work_kinds"][-1]["weight"] == 2
