"""Browser: the operator's regulation templates pages (the list, a template's new edition,
adopting an edition for schools) show what the operator works with (issue #15, TPL-1,
TPL-4); axe-core checks each page."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from catalog.models import RegulationTemplate, RegulationVersion
from catalog.seed import DEFAULT_REGULATION_CODE
from core.tenancy import db
from tests.browser.axe import wait_for_axe
from tests.otp import platform_operator, totp_code

USERNAME = "browser_templates_operator"
PASSWORD = "x-operator-browser-3"


def make_operator() -> User:
    return platform_operator(USERNAME, PASSWORD, first_name="Пётр")


def drop() -> None:
    db.set_schema_to_public()
    User.objects.filter(username=USERNAME).delete()


def code_of(user: User) -> str:
    db.set_schema_to_public()
    return totp_code(user)


def published_of_default() -> RegulationVersion:
    db.set_schema_to_public()
    template = RegulationTemplate.objects.get(code=DEFAULT_REGULATION_CODE)
    version = (
        RegulationVersion.objects.filter(template=template, published_at__isnull=False)
        .order_by("-number")
        .first()
    )
    assert version is not None
    return version


def test_operator_reads_the_templates_and_the_adoption_form(
    page: Any, url: Any, screenshot: Any, committed: Any
) -> None:
    operator = committed(make_operator, drop)
    version = committed(published_of_default)
    page.goto(url("localhost", "/console/templates/"))
    page.get_by_label("Имя пользователя").fill(USERNAME)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.locator("#id_token").fill(committed(lambda: code_of(operator)))
    page.get_by_role("button", name="Подтвердить").click()
    page.get_by_role("heading", name="Положения об электронном журнале").wait_for()
    screenshot(page, "console-templates")
    # The default template with its published edition and what can be done with it.
    card = page.locator(f"section[data-template='{DEFAULT_REGULATION_CODE}']")
    row = card.locator(f"tr[data-version='{version.pk}']")
    assert "Опубликована" in row.inner_text()
    assert version.title in row.inner_text()
    assert card.get_by_text("для новых школ").count() == 1

    # The template's page for a new edition: the rules in fields.
    card.get_by_role("link", name="Новая редакция").click()
    page.get_by_role("heading", name="Новая редакция", exact=False).wait_for()
    assert page.get_by_label("Заголовок редакции").count() == 1
    wait_for_axe(page)  # before leaving it (the next navigation would cut the check off)
    page.go_back()

    # Adopting this edition: the form opens with it chosen and the schools to tick.
    row.get_by_role("link", name="Принять для школ").click()
    page.get_by_role("heading", name="Принять редакцию положения").wait_for()
    chosen = page.locator("select[name='version'] option:checked")
    assert chosen.get_attribute("value") == str(version.pk)
    assert page.get_by_role("button", name="Принять").count() == 1
    screenshot(page, "console-adopt")
    wait_for_axe(page)  # the last page: checked before the context closes
