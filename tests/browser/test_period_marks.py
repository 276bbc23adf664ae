"""Browser: a teacher gives a class its quarter marks with the keyboard on the period marks
page, a parent sees them in the diary at once, and after the school's deadline the page is
locked (issue #10, MRK-3, DIA-2).

The scenario picks its days from the world's period: three days before it ends (the marks
are open), then the day after the regulation's deadline (a week after the end)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tenants.utils import schema_context

from core.russian import accusative
from journal.register.models import Lesson, PeriodMark
from journal.register.services import MarkInput, marks_save
from tests import clock

SLUG = "brs-period-marks"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


def lesson_marks(world: Any) -> None:
    """pupils[0]: «4» for a test and «5» orally in the period's last week → 4,25."""
    day = world.period.ends_on - dt.timedelta(days=5)
    with schema_context(SCHEMA), clock.on(day, at=dt.time(15, 0)):
        marks_save(
            lesson=Lesson.objects.create(assignment=world.math5a, date=day, slot=6),
            marks=[
                MarkInput(world.pupils[0].pk, 4, "test"),
                MarkInput(world.pupils[0].pk, 5, "oral"),
            ],
            by=world.users["teacher"],
        )


def test_teacher_gives_quarter_marks_with_the_keyboard_parent_sees_them_deadline_locks(
    page: Any,
    browser: Any,
    url: Any,
    screenshot: Any,
    committed: Any,
    journal_school: Any,
    sign_in: Any,
    learner_session: Any,
) -> None:
    world = journal_school(SLUG)
    committed(lambda: lesson_marks(world))
    period, pupils = world.period, world.pupils
    marks_url = f"/journals/{world.math5a.pk}/periods/{period.pk}/marks/"

    with clock.on(period.ends_on - dt.timedelta(days=3)):
        sign_in(page, HOST, world.users["teacher"])
        page.goto(url(HOST, f"/journals/{world.math5a.pk}/"))
        page.get_by_role("link", name=f"Отметки за {accusative(period.title)}").click()
        page.locator("table[data-marks]").wait_for()
        assert page.url.endswith(marks_url)
        assert "Приём отметок открыт" in page.locator("[data-state]").inner_text()
        first = page.locator(f"tr[data-p='{pupils[0].pk}']")
        assert first.locator("[data-avg]").inner_text() == "4,25"
        assert first.locator("[data-suggested]").inner_text() == "4"

        # A key outside the scale is refused on the spot.
        inputs = page.locator("input.pm-in")
        inputs.first.click()
        page.keyboard.type("7")
        page.locator("[data-status]").get_by_text("Допустимо").wait_for()
        assert inputs.first.input_value() == ""
        # Digits and letters, Enter moves down; the last pupil is left without a mark.
        for key in ("4", "5", "н", "о"):
            page.keyboard.type(key)
            page.keyboard.press("Enter")
        assert [inputs.nth(i).input_value() for i in range(4)] == ["4", "5", "н/а", "осв"]
        screenshot(page, "period-marks-typed")
        page.get_by_role("button", name="Сохранить (4)").click()
        page.get_by_text("Сохранено отметок: 4.").wait_for()
        assert page.locator("input.pm-in").count() == 1
        assert first.locator("[data-value]").inner_text() == "4"
        screenshot(page, "period-marks-saved")
        with schema_context(SCHEMA):
            saved = dict(PeriodMark.objects.values_list("pupil_id", "value"))
        assert saved == {
            pupils[0].pk: "4",
            pupils[1].pk: "5",
            pupils[2].pk: "н/а",
            pupils[3].pk: "осв",
        }

        # The parent sees the quarter mark in the diary right away (DIA-2).
        family = browser.new_context(locale="ru-RU").new_page()
        learner_session(family, HOST, world.users["parent"])
        family.goto(url(HOST, "/diary/"))
        headers = family.locator("table.year-marks thead th").all_inner_texts()
        row = family.locator("table.year-marks tbody tr", has_text="Математика")
        column = headers.index(period.title) - 1  # the subject is the row's header cell
        assert row.locator("td").nth(column).inner_text().strip() == "4"
        screenshot(family, "period-marks-parent-diary")
        family.context.close()

    # The day after the regulation's deadline (a week after the period's end): locked.
    with clock.on(period.ends_on + dt.timedelta(days=8)):
        late = browser.new_context(locale="ru-RU").new_page()
        sign_in(late, HOST, world.users["teacher"])
        late.goto(url(HOST, marks_url))
        assert "Приём отметок закрыт" in late.locator("[data-state]").inner_text()
        left = late.locator("input.pm-in")
        assert left.count() == 1 and left.is_disabled()
        assert late.get_by_role("button", name="Сохранить").is_disabled()
        screenshot(late, "period-marks-locked")
        late.context.close()
    with schema_context(SCHEMA):
        assert not PeriodMark.objects.filter(pupil=pupils[4]).exists()
