"""Browser: the deputy follows a journal-keeping problem to the exact lesson (REP-2)."""

from __future__ import annotations

from typing import Any

SLUG = "brs-control"
HOST = f"{SLUG}.localhost"


def test_deputy_follows_a_control_problem_to_the_lesson(
    page: Any, url: Any, screenshot: Any, journal_school: Any, sign_in: Any
) -> None:
    world = journal_school(SLUG)
    sign_in(page, HOST, world.users["deputy"])
    page.get_by_role("heading", name="Контроль ведения журнала").wait_for()
    old = world.lesson_old
    page.get_by_label("С", exact=True).fill(old.date.isoformat())
    page.get_by_role("button", name="Показать").click()
    page.locator("table.control").get_by_text("Математикова").first.wait_for()
    screenshot(page, "deputy-control")

    link = page.locator(f"a[href='/lessons/{old.pk}/']")
    problem = link.locator("xpath=..").inner_text()
    assert "нет темы" in problem and "нет отметок и посещаемости" in problem
    link.click()
    page.wait_for_url(f"**/lessons/{old.pk}/")
    page.get_by_role("heading", name=f"{old.date:%-d}").or_(
        page.locator("h1", has_text="Математика")
    ).first.wait_for()
    assert "Тема" in page.locator("dl.facts").inner_text()  # read-only for the deputy
    assert page.locator("form textarea").count() == 0
    screenshot(page, "deputy-lesson")
