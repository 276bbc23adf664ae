"""Browser: the director walks the closing of the school year on the seeded world — the
check, the outcome preview, the confirmation with the order — and afterwards a teacher's
write into the closed year is refused in Russian (YEAR-1, 003 §5.2.3)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from journal.register.models import PeriodMark
from journal.structure.models import ReportingPeriod
from journal.yearend.models import PromotionDecision, YearClosing
from tests import clock

SLUG = "brs-yearclose"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


def test_director_closes_the_year_and_a_teachers_write_is_refused(
    browser: Any,
    page: Any,
    url: Any,
    screenshot: Any,
    journal_school: Any,
    sign_in: Any,
    committed: Any,
) -> None:
    world = journal_school(SLUG)

    def year_marks() -> Any:
        with schema_context(SCHEMA):
            for pupil, value in zip(world.pupils[:3], ("5", "4", "2"), strict=True):
                PeriodMark.objects.create(
                    pupil=pupil,
                    assignment=world.math5a,
                    kind="year",
                    value=value,
                    entered_by=world.users["teacher"],
                )
            PeriodMark.objects.create(
                pupil=world.other_pupil,
                assignment=world.russian5b,
                kind="year",
                value="4",
                entered_by=world.users["other_teacher"],
            )
            return max(
                ReportingPeriod.objects.filter(year=world.year).values_list("ends_on", flat=True)
            )

    closes_from = committed(year_marks)
    title = world.year.title
    with clock.on(closes_from):
        sign_in(page, HOST, world.users["director"])
        page.get_by_role("link", name="Закрытие учебного года").click()
        page.get_by_role("heading", name=f"Закрытие учебного года {title}").wait_for()
        # Step 1: 5А has two pupils without a year mark in mathematics.
        assert "не у всех есть годовые отметки" in page.content()
        incomplete = page.locator("[data-list='incomplete']").inner_text()
        assert world.pupils[3].user.last_name in incomplete and "Математика" in incomplete
        # Step 2: the preview.
        assert page.locator("[data-count='conditional']").inner_text() == "1"
        assert page.locator("[data-count='held_back']").inner_text() == "2"
        assert (
            world.pupils[2].user.last_name in page.locator("[data-list='conditional']").inner_text()
        )
        screenshot(page, "director-year-close-check")
        # Step 3: the confirmation without ticking the box is refused in Russian.
        page.get_by_label("Номер приказа директора").fill("88-о")
        page.get_by_role("button", name="Закрыть учебный год").click()
        page.get_by_text("Подтвердите закрытие учебного года.").wait_for()
        with schema_context(SCHEMA):
            assert not YearClosing.objects.exists()
        page.get_by_label("Проверка и итоги просмотрены").check()
        page.get_by_role("button", name="Закрыть учебный год").click()
        page.get_by_role("heading", name=f"Учебный год {title} закрыт").wait_for()
        page.get_by_text("Приказ № 88-о").wait_for()
        assert page.locator("[data-count='held_back']").inner_text() == "2"
        screenshot(page, "director-year-closed")
        with schema_context(SCHEMA):
            closing = YearClosing.objects.get(year=world.year)
            assert closing.order_number == "88-о"
            outcomes = dict(PromotionDecision.objects.values_list("pupil_id", "outcome"))
        assert outcomes[world.pupils[2].pk] == "conditional"
        assert outcomes[world.pupils[4].pk] == "held_back"

        # The teacher opens a lesson of the closed year: read-only, no form to write with
        # (a forged POST is refused: tests/web/test_year_pages.py).
        context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
        teacher = context.new_page()
        teacher.set_default_timeout(15000)
        try:
            sign_in(teacher, HOST, world.users["teacher"])
            teacher.goto(url(HOST, f"/lessons/{world.lesson_today.pk}/"))
            teacher.get_by_text(
                "Учебный год закрыт: записи урока доступны только для чтения"
            ).wait_for()
            assert teacher.get_by_label("Тема урока").count() == 0
            assert teacher.locator("input.g-in").count() == 0
            screenshot(teacher, "teacher-closed-year-read-only")
        finally:
            context.close()
    with schema_context(SCHEMA):
        world.lesson_today.refresh_from_db()
        assert world.lesson_today.topic != "Тема после закрытия года"
