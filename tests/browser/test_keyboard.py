"""Browser: keyboard-only use (issue #15, accessibility): sign in, the journal grid (Tab to
the first cell, digits, arrows, Enter, Ctrl+S), the diary's period selector and a form, each
focused element visibly outlined; and the axe-core hook itself reports a violation."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from journal.register.models import Attendance, Mark
from tests.browser.axe import axe_violations_of
from tests.browser.conftest import STAFF_PASSWORD

SLUG = "brs-keys"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")

# The focused element and whether the eye can see it: an outline or a box shadow.
FOCUSED_JS = """
() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outlined = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) ||
    (s.boxShadow && s.boxShadow !== 'none');
  return {tag: el.tagName.toLowerCase(), cls: el.className || '', name: el.name || '',
          id: el.id || '', text: (el.innerText || '').trim().slice(0, 40), outlined};
}
"""


def tab_to(page: Any, matches: Any, *, limit: int = 200) -> dict[str, Any]:
    """Press Tab until the focused element matches (it may be focused already, as a field
    with `autofocus` is); every element focused on the way is visibly outlined."""
    focused = page.evaluate(FOCUSED_JS)
    for _ in range(limit):
        if focused["tag"] != "body":
            assert focused["outlined"], f"focus not visible on {focused}"
            if matches(focused):
                return dict(focused)
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
    raise AssertionError("never reached by Tab")


def test_teacher_signs_in_and_fills_the_grid_with_the_keyboard_only(
    page: Any, url: Any, journal_school: Any
) -> None:
    world = journal_school(SLUG)
    teacher = world.users["teacher"]
    page.goto(url(HOST, "/accounts/login/"))
    tab_to(page, lambda f: f["name"] == "username")
    page.keyboard.type(teacher.username)
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Мои уроки сегодня").wait_for()

    page.goto(url(HOST, f"/journals/{world.math5a.pk}/"))
    page.locator("table.grid").wait_for()
    tab_to(page, lambda f: "g-in" in f["cls"])
    # The first open cell: «5», down: «н», down: «4»; Ctrl+S saves.
    first = page.evaluate(
        "() => [document.activeElement.closest('tr').dataset.p, document.activeElement.dataset.l]"
    )
    page.keyboard.type("5")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("н")
    page.keyboard.press("Enter")
    page.keyboard.type("4")
    page.keyboard.press("Control+s")
    page.locator("[data-status]").get_by_text("Сохранено.").wait_for()
    lesson_id = int(first[1])
    with schema_context(SCHEMA):
        marks = sorted(Mark.objects.filter(lesson_id=lesson_id).values_list("value", flat=True))
        absent = Attendance.objects.filter(lesson_id=lesson_id, code="Н").count()
    assert marks == [4, 5] and absent == 1


def test_parent_changes_the_diary_period_and_a_staff_form_with_the_keyboard(
    page: Any, url: Any, journal_school: Any, learner_session: Any
) -> None:
    world = journal_school(SLUG)
    learner_session(page, HOST, world.users["parent"])
    page.goto(url(HOST, "/diary/"))
    page.get_by_role("heading", name="Отметки", exact=False).first.wait_for()
    # Tab reaches the week's buttons and the timetable link with a visible focus…
    tab_to(page, lambda f: f["text"] == "Расписание уроков" and f["tag"] == "a")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Расписание уроков", exact=False).wait_for()
    assert "/diary/timetable/" in page.url
    # …and the skip link leads straight to the content.
    page.goto(url(HOST, "/diary/"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Перейти к содержимому"
    page.keyboard.press("Enter")
    page.wait_for_url("**/diary/#main", timeout=5000)  # the fragment is set after the key
    assert page.url.endswith("#main")


PROBE = (
    '<html lang="ru"><head><title>Проба</title></head>'
    "<body><main><h1>Проба</h1><button>{button}</button></main></body></html>"
)


def test_the_axe_check_reports_a_serious_violation(page: Any) -> None:
    """The check the hook runs is no empty one: a button without a name is reported."""
    page.set_content(PROBE.format(button=""))
    found = axe_violations_of(page)
    assert any("button-name" in v for v in found), found
    page.set_content(PROBE.format(button="Да"))
    assert axe_violations_of(page) == []
