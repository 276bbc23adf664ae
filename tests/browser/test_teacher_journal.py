"""Browser: a teacher enters a column of marks and attendance with the keyboard, reloads and
sees them saved; a mark past its correction window looks locked (issue #5, MRK-1, MRK-2,
ATT-1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tenants.utils import schema_context

from journal.register.models import Attendance, Lesson, Mark
from journal.register.services import work_kinds_ensure
from tests import clock
from tests.catalog.adopt import adopt_rules

SLUG = "brs-journal"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


def old_mark(world: Any) -> None:
    """A mark entered on the first day of the grid's period, on that day's lesson, more
    than a week ago: its correction window is over."""
    with schema_context(SCHEMA):
        kind = work_kinds_ensure()["oral"]
        old_day = world.period.starts_on
        assert (world.today - old_day).days > 7, "the test clock's day is a week into a period"
        lesson = Lesson.objects.create(assignment=world.math5a, date=old_day, slot=6)
        world.extra["old_lesson"] = lesson
        with clock.on(old_day, at=dt.time(15, 0)):
            Mark.objects.create(
                lesson=lesson,
                pupil=world.pupils[0],
                value=4,
                work_kind=kind,
                weight=kind.weight,
                entered_by=world.users["teacher"],
            )


def test_teacher_enters_marks_with_the_keyboard(
    page: Any, url: Any, screenshot: Any, committed: Any, journal_school: Any, sign_in: Any
) -> None:
    world = journal_school(SLUG)
    # A regulation that allows audited corrections within a window (the seeded default
    # forbids them, 004 §8.6): a new mark stays open, the old one is locked.
    committed(lambda: adopt_rules(SCHEMA, correction={"allowed": True}))
    committed(lambda: old_mark(world))
    lesson = world.lesson_today

    sign_in(page, HOST, world.users["teacher"])
    page.get_by_role("heading", name="Мои уроки сегодня").wait_for()
    screenshot(page, "teacher-today")

    page.locator(f"a[href='/journals/{world.math5a.pk}/']").first.click()
    page.locator("table.grid").wait_for()
    # The old lesson's column is closed; its mark looks locked.
    locked = page.locator("table.grid span.m.l")
    assert locked.count() == 1 and locked.inner_text().startswith("4")
    assert "Закрыта для изменений" in (locked.get_attribute("title") or "")

    page.locator(f"select.g-kind[data-l='{lesson.pk}']").select_option("test")
    first = page.locator(f"input.g-in[data-l='{lesson.pk}']").first
    first.click()
    for key in ("5", "4", "Н", "3", "О"):
        page.keyboard.type(key)
        page.keyboard.press("Enter")
    save = page.get_by_role("button", name="Сохранить (5)")
    save.click()
    page.locator("[data-status]").get_by_text("Сохранено.").wait_for()
    first_row = page.locator(f"tr[data-p='{world.pupils[0].pk}']")
    assert first_row.locator("[data-fc]").inner_text() == "5"  # 4 (×1) and 5 (×3): 4,75
    screenshot(page, "teacher-grid-saved")

    page.reload()
    page.locator("table.grid").wait_for()
    cells = page.locator(f"input.g-in[data-l='{lesson.pk}']")
    rows = [page.locator(f"tr[data-p='{p.pk}']") for p in world.pupils]
    assert rows[0].locator("span.m:not(.l)").inner_text() == "5"
    assert rows[1].locator("span.m").inner_text() == "4"
    assert cells.nth(2).input_value() == "Н"
    assert rows[3].locator("span.m").inner_text() == "3"
    assert cells.nth(4).input_value() == "О"
    assert rows[0].locator("[data-avg]").inner_text() == "4,75"
    with schema_context(SCHEMA):
        assert Mark.objects.filter(lesson=lesson).count() == 3
        assert set(Attendance.objects.filter(lesson=lesson).values_list("code", flat=True)) == {
            "Н",
            "О",
        }
    screenshot(page, "teacher-grid-reloaded")

    # A wrong key is refused on the spot, and the server refuses what the rules forbid.
    page.locator(f"input.g-in[data-l='{lesson.pk}']").nth(1).click()
    page.keyboard.type("7")
    page.locator("[data-status]").get_by_text("Допустимо").wait_for()

    page.goto(url(HOST, f"/lessons/{world.extra['old_lesson'].pk}/"))
    page.get_by_text("Срок заполнения истёк").wait_for()
    assert page.locator("input.g-in").count() == 0
    page.get_by_text("закрыта для изменений").first.wait_for()
    screenshot(page, "teacher-lesson-locked")
