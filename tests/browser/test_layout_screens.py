"""Browser: the diary at 360 px with the marks table, and the journal grid with 35 pupils,
screenshotted into test-output/screenshots/ and checked from bounding boxes: no sideways
scrolling on the phone, every cell inside its table, each pupil's name on its grid row at
any scroll position and none drawn below the grid (issue #15, DIA-1, MRK-1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django_tenants.utils import schema_context

from journal.register.services import MarkInput, marks_save
from journal.structure import services as structure
from tests.browser.conftest import SCREENSHOTS
from tests.browser.layout import box_problems, grid_problems
from tests.factories import journal_fill

SLUG = "brs-layout"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


def viewport_shot(page: Any, name: str) -> Path:
    """What the eye sees in the window (a full-page capture resizes the window, and with it
    the grid's box, which is what is being checked)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def fill(world: Any) -> None:
    with schema_context(SCHEMA):
        journal_fill(world, pupils=35, lessons=40)
        boss = world.users["director"]
        weekday = min(world.today.isoweekday(), 5)
        structure.timetable_entry_create(
            assignment=world.math5a, weekday=weekday, slot=2, room="204", by=boss
        )
        marks_save(
            lesson=world.lesson_today,
            marks=[MarkInput(world.pupils[0].pk, 5, "oral")],
            by=world.users["teacher"],
        )


def test_diary_on_a_360px_phone_has_no_sideways_scrolling(
    browser: Any,
    url: Any,
    screenshot: Any,
    committed: Any,
    journal_school: Any,
    learner_session: Any,
) -> None:
    world = journal_school(SLUG)
    committed(lambda: fill(world))
    context = browser.new_context(
        locale="ru-RU", viewport={"width": 360, "height": 740}, device_scale_factor=1
    )
    page = context.new_page()
    learner_session(page, HOST, world.users["parent"])
    page.goto(url(HOST, "/diary/"))
    table = page.locator("table.progress")
    table.wait_for()
    assert table.locator("tbody tr").count() >= 1
    shot = screenshot(page, "diary-360px")
    print(f"\nscreenshot: {shot}")
    assert box_problems(page) == []
    # The stacked layout: each row a card, each cell names its column.
    first = table.locator("tbody tr").first
    labels = first.locator("td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert '"Средний балл"' in labels and '"Прогноз"' in labels
    row_box = first.bounding_box()
    assert row_box is not None and row_box["x"] >= 0 and row_box["x"] + row_box["width"] <= 360
    page.goto(url(HOST, "/diary/timetable/"))
    page.get_by_role("heading", name="Понедельник").wait_for()
    print(f"screenshot: {screenshot(page, 'timetable-360px')}")
    assert box_problems(page) == []
    context.close()


def test_journal_grid_with_35_pupils_keeps_names_on_their_rows(
    page: Any, url: Any, committed: Any, journal_school: Any, sign_in: Any
) -> None:
    world = journal_school(SLUG)
    committed(lambda: fill(world))
    sign_in(page, HOST, world.users["teacher"])
    for width, height in ((1280, 800), (800, 480), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url(HOST, f"/journals/{world.math5a.pk}/"))
        page.locator("table.grid").wait_for()
        found = grid_problems(page)
        assert found["rows"] == 35
        assert found["problems"] == [], (width, height)
        print(f"\nscreenshot: {viewport_shot(page, f'grid-35-pupils-{width}x{height}')}")
        # Scrolled to the far corner (today's open column with its kind-of-work selector),
        # the names still sit on their rows.
        page.locator(".grid-wrap").evaluate(
            "w => { w.scrollTop = w.scrollHeight; w.scrollLeft = w.scrollWidth; }"
        )
        assert grid_problems(page)["problems"] == [], (width, height, "scrolled")
        print(f"screenshot: {viewport_shot(page, f'grid-35-pupils-{width}x{height}-scrolled')}")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
