"""Browser: a teacher opens their week from the today page, sees each slot with class,
subject, room and the way to the lesson, goes to the next week, and reads the school's
regulation from the menu (issue #15, SET-3). axe-core checks both pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tenants.utils import schema_context

from journal.structure import services as structure
from tests.browser.axe import wait_for_axe

SLUG = "brs-timetable"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


def timetable_of(world: Any) -> None:
    with schema_context(SCHEMA):
        boss = world.users["director"]
        structure.timetable_entry_create(
            assignment=world.math5a,
            weekday=world.today.isoweekday(),
            slot=world.lesson_today.slot,
            room="204",
            by=boss,
        )
        structure.timetable_entry_create(
            assignment=world.reading1a, weekday=world.today.isoweekday(), slot=1, room="12", by=boss
        )


def test_teacher_reads_the_week_and_the_regulation(
    page: Any, url: Any, screenshot: Any, committed: Any, journal_school: Any, sign_in: Any
) -> None:
    world = journal_school(SLUG)
    committed(lambda: timetable_of(world))
    sign_in(page, HOST, world.users["teacher"])
    page.get_by_role("link", name="Расписание на неделю").click()
    page.get_by_role("heading", name="Моё расписание", exact=False).wait_for()
    today = page.locator(".day--today")
    assert (
        today.locator("h2")
        .inner_text()
        .startswith(
            ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"][
                world.today.weekday()
            ]
        )
    )
    slots = today.locator("li[data-timetable-slot]")
    texts = [" ".join(t.split()) for t in slots.all_inner_texts()]
    assert [t.split(" ")[0] for t in texts] == ["1", "2", "5"]
    assert "1А · Литературное чтение" in texts[0] and "кабинет 12" in texts[0]
    assert "5А · Математика" in texts[1] and "кабинет 204" in texts[1]
    assert "Урок ведёт" in texts[2] and "вас заменяют" in texts[2]
    screenshot(page, "teacher-timetable")
    # The slot's link opens the lesson page.
    slots.nth(1).get_by_role("link", name="Открыть урок").click()
    page.wait_for_url(f"**/lessons/{world.lesson_today.pk}/")
    page.get_by_role("heading", name="Математика", exact=False).first.wait_for()
    wait_for_axe(page)  # before leaving it (the next navigation would cut the check off)
    page.go_back()
    # The next week: the timetable again, no lesson pages yet.
    page.get_by_role("link", name="Следующая неделя →").click()
    monday = world.today - dt.timedelta(days=world.today.weekday()) + dt.timedelta(days=7)
    page.wait_for_url(f"**/teacher/timetable/?week={monday.isoformat()}")
    assert page.locator("li[data-timetable-slot]").count() == 2
    assert page.get_by_role("link", name="Открыть урок").count() == 0

    # The school's regulation («Положение об ЭЖ») from the menu.
    page.get_by_role("link", name="Положение об ЭЖ").first.click()
    page.wait_for_url("**/regulation/")
    edition = page.locator("article.regulation p.meta[data-edition]")
    assert edition.inner_text().startswith("Редакция ")
    assert "принята школой" in edition.inner_text()
    assert page.locator("article.regulation").inner_text().count("\n") > 10  # the text itself
    wait_for_axe(page)  # the last page: checked before the context closes
