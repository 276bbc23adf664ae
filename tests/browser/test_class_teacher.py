"""Browser: the class teacher opens a pupil's card, issues a temporary login on a written
request (the one-time password is shown once) and revokes it (issue #5, SEC-2)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from journal.identity.models import TemporaryLogin

SLUG = "brs-classteacher"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


def test_class_teacher_issues_and_revokes_a_temporary_login(
    page: Any, url: Any, screenshot: Any, journal_school: Any, sign_in: Any
) -> None:
    world = journal_school(SLUG)
    pupil = world.pupils[1]

    sign_in(page, HOST, world.users["class_teacher"])
    page.goto(url(HOST, "/class/pupils/"))
    page.get_by_role("link", name=pupil.user.full_name).click()
    page.get_by_role("heading", name=pupil.user.full_name).wait_for()
    page.get_by_text("Временные логины не выдавались.").wait_for()
    screenshot(page, "class-teacher-pupil-card")

    page.get_by_label("Причина (из письменного заявления)").fill("Нет доступа к Госуслугам")
    page.get_by_label("Дата заявления").fill(world.today.isoformat())
    page.get_by_role("button", name="Выдать").click()
    page.get_by_role("heading", name=f"Временный логин для {pupil.user.full_name}").wait_for()
    password = page.locator("#temp-password").inner_text().strip()
    assert len(password) >= 8
    assert page.locator("#temp-username").inner_text().strip() == pupil.user.username
    screenshot(page, "class-teacher-temporary-login")
    with schema_context(SCHEMA):
        record = TemporaryLogin.objects.get(pupil=pupil)
        assert record.revoked_at is None and record.issued_by_id == world.users["class_teacher"].pk

    page.get_by_role("link", name="К карточке обучающегося").click()
    row = page.locator(f"tr[data-login='{record.pk}']")
    row.wait_for()
    assert "действует" in row.inner_text()
    assert password not in page.content()  # shown once only
    row.get_by_role("button", name="Отозвать").click()
    page.get_by_text(f"Временный логин {pupil.user.full_name} отозван.").wait_for()
    assert "отозван" in page.locator(f"tr[data-login='{record.pk}']").inner_text()
    screenshot(page, "class-teacher-temporary-login-revoked")
    with schema_context(SCHEMA):
        record.refresh_from_db()
        assert record.revoked_at is not None
        assert record.revoked_by_id == world.users["class_teacher"].pk
