"""Browser: the teacher's new mark reaches the parent's diary with the new average; a parent
of two switches between them; a pupil gets no edit control and a forged POST is refused
(issue #5, DIA-1, MRK-4, ROLE-2)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from journal.register.models import Mark
from journal.register.services import MarkInput, marks_save
from journal.roster import services as roster
from journal.roster.models import Guardian

SLUG = "brs-diary"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


def second_child_and_first_mark(world: Any) -> None:
    with schema_context(SCHEMA):
        parent = Guardian.objects.get(user=world.users["parent"])
        roster.guardian_link_create(
            guardian=parent, pupil=world.pupils[1], relation="mother", by=world.users["director"]
        )
        roster.consent_record(
            pupil=world.pupils[1],
            guardian=parent,
            signed_on=world.today,
            scan_reference="scan/0003.pdf",
            by=world.users["secretary"],
        )
        marks_save(
            lesson=world.lesson_yesterday,
            marks=[MarkInput(world.pupils[0].pk, 3, "oral")],
            by=world.users["teacher"],
        )


def test_parent_sees_new_mark_and_average_pupil_cannot_edit(
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
    committed(lambda: second_child_and_first_mark(world))
    child = world.pupils[0]

    learner_session(page, HOST, world.users["parent"])
    page.goto(url(HOST, "/"))
    page.get_by_role("heading", name="Дневник: Ученик00 Иван, 5А").wait_for()
    row = page.locator("table.progress tr", has_text="Математика")
    assert row.locator("[data-average]").inner_text() == "3,00"
    screenshot(page, "parent-diary-before")

    # The teacher enters a «5» for a test (weight 3) in another browser.
    teacher = browser.new_context(locale="ru-RU").new_page()
    sign_in(teacher, HOST, world.users["teacher"])
    teacher.goto(url(HOST, f"/journals/{world.math5a.pk}/"))
    teacher.locator(f"select.g-kind[data-l='{world.lesson_today.pk}']").select_option("test")
    teacher.locator(f"tr[data-p='{child.pk}'] input.g-in[data-l='{world.lesson_today.pk}']").click()
    teacher.keyboard.type("5")
    teacher.get_by_role("button", name="Сохранить (1)").click()
    teacher.locator("[data-status]").get_by_text("Сохранено.").wait_for()
    teacher.context.close()

    page.reload()
    row = page.locator("table.progress tr", has_text="Математика")
    assert row.locator("[data-average]").inner_text() == "4,50"  # (3·1 + 5·3) / 4
    assert row.locator("td").nth(2).inner_text().strip() == "5"  # the forecast
    today = page.locator("article.day--today")
    today.locator("span.m", has_text="5").wait_for()
    screenshot(page, "parent-diary-after")

    page.get_by_role("navigation", name="Дети").get_by_role("link", name="Иван").nth(1).click()
    page.get_by_role("heading", name="Дневник: Ученик01 Иван, 5А").wait_for()
    screenshot(page, "parent-diary-second-child")

    # The pupil: the own diary, no edit control anywhere, a forged POST refused.
    pupil_page = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 800})
    pupil = pupil_page.new_page()
    learner_session(pupil, HOST, world.users["pupil"])
    pupil.goto(url(HOST, "/"))
    pupil.get_by_role("heading", name="Дневник: Ученик00 Иван, 5А").wait_for()
    assert pupil.locator("main input:not([type=hidden]), main textarea, main button").count() == 0
    screenshot(pupil, "pupil-diary-phone")
    for path in (f"/journals/{world.math5a.pk}/", f"/lessons/{world.lesson_today.pk}/"):
        response = pupil.goto(url(HOST, path))
        # The learners' guard answers before the view (ROLE-2).
        assert response is not None and response.status == 403
        assert pupil.locator("input.g-in").count() == 0
    pupil.goto(url(HOST, "/diary/"))
    status = pupil.evaluate(
        """async ([lesson, pupilId]) => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
            const r = await fetch('/lessons/' + lesson + '/save/', {method: 'POST',
              headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
              body: JSON.stringify({marks: [{pupil_id: pupilId, value: 5}]})});
            const api = await fetch('/api/v1/register/lessons/' + lesson + '/marks/', {
              method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
              body: JSON.stringify({marks: [{pupil_id: pupilId, value: 5, work_kind: 'oral'}]})});
            return [r.status, api.status];
        }""",
        [world.lesson_today.pk, child.pk],
    )
    assert status == [403, 403], status  # the page's and the API's learners' guard
    pupil_page.close()
    with schema_context(SCHEMA):
        assert Mark.objects.filter(lesson=world.lesson_today).count() == 1  # the teacher's only
