"""Browser: the journal administrator adds a teacher and gives them a first password from
the staff page (shown once); the teacher signs in with it, must change it, and then signs
in with the new one while the first no longer works (issue #15 done-means, SEC-3)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from accounts.models import User
from journal.identity.models import PasswordReset

SLUG = "brs-staffpw"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")
NEW_PASSWORD = "Orlova-new-2026!"


def login(page: Any, url: Any, username: str, password: str) -> None:
    page.goto(url(HOST, "/accounts/login/"))
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()


def test_journal_admin_gives_a_new_teacher_a_first_password_that_must_be_changed(
    browser: Any,
    page: Any,
    url: Any,
    screenshot: Any,
    journal_school: Any,
    sign_in: Any,
    committed: Any,
) -> None:
    world = journal_school(SLUG)
    sign_in(page, HOST, world.users["journal_admin"])
    page.goto(url(HOST, "/manage/staff/"))
    page.get_by_role("heading", name="Сотрудники", exact=True).wait_for()
    page.get_by_label("Фамилия").fill("Орлова")
    page.get_by_label("Имя", exact=True).fill("Наталья")
    page.get_by_label("Отчество").fill("Игоревна")
    page.get_by_label("Имя пользователя (логин)").fill("orlova")
    page.get_by_label("Должность").fill("Учитель (химия)")
    page.get_by_role("checkbox", name="Учитель", exact=True).check()
    page.get_by_role("button", name="Добавить сотрудника").click()
    row = page.locator("tr[data-staff]", has_text="orlova")
    row.wait_for()
    row.get_by_role("button", name="Выдать пароль").click()
    page.get_by_role("heading", name="Первый пароль: Орлова Наталья Игоревна").wait_for()
    assert page.locator("#staff-username").inner_text() == "orlova"
    first = page.locator("#staff-password").inner_text().strip()
    assert len(first) >= 10
    screenshot(page, "staff-first-password")

    def recorded() -> tuple[bool, int]:
        with schema_context(SCHEMA):
            user = User.objects.get(username="orlova")
            return user.must_change_password, PasswordReset.objects.filter(user=user).count()

    assert committed(recorded) == (True, 1)

    teacher = browser.new_context(locale="ru-RU")
    tpage = teacher.new_page()
    tpage.set_default_timeout(15000)
    login(tpage, url, "orlova", first)
    tpage.get_by_role("heading", name="Смените пароль").wait_for()
    # No way around the change: the teacher is not signed in until the password is new.
    landed, text = tpage.evaluate(
        "async (u) => { const r = await fetch(u); return [r.url, await r.text()]; }",
        "/teacher/today/",
    )
    assert "/accounts/login/" in landed and "Мои уроки" not in text
    tpage.get_by_label("Новый пароль", exact=True).fill(NEW_PASSWORD)
    tpage.get_by_label("Новый пароль ещё раз").fill(NEW_PASSWORD)
    tpage.get_by_role("button", name="Сохранить пароль").click()
    tpage.get_by_role("heading", name="Мои уроки").first.wait_for()
    screenshot(tpage, "staff-first-sign-in-done")
    teacher.close()

    again = browser.new_context(locale="ru-RU")
    apage = again.new_page()
    apage.set_default_timeout(15000)
    login(apage, url, "orlova", first)
    assert apage.get_by_role("heading", name="Вход в электронный журнал").is_visible()
    login(apage, url, "orlova", NEW_PASSWORD)
    apage.get_by_role("heading", name="Мои уроки").first.wait_for()
    again.close()
    assert committed(recorded)[0] is False
