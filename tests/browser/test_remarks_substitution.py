"""Browser: the deputy writes a remark from the control page, the teacher mends it and the
deputy sees it mended (CTL-1); the deputy grants a substitution, it appears in the
substitution journal and the substitute enters the lesson (ROLE-3, ROLE-5)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from journal.control.models import Remark
from journal.register.models import Lesson
from tests.world import staff


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_load_state()


def test_deputy_writes_a_remark_and_the_teacher_mends_it_ctl1(
    browser: Any, page: Any, url: Any, screenshot: Any, journal_school: Any, sign_in: Any
) -> None:
    slug = "brs-remarks"
    host = f"{slug}.localhost"
    world = journal_school(slug)
    old = world.lesson_old  # no topic, nothing recorded: a problem on the control page
    # The deputy keeps a session of their own (a TOTP code is accepted once).
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    teacher_page, page = page, context.new_page()
    page.set_default_timeout(15000)

    sign_in(page, host, world.users["deputy"])
    page.get_by_role("heading", name="Контроль ведения журнала").wait_for()
    page.get_by_label("С", exact=True).fill(old.date.isoformat())
    page.get_by_role("button", name="Показать").click()
    page.locator(f"a[data-remark-lesson='{old.pk}']").click()
    page.get_by_role("heading", name="Замечание по ведению журнала").wait_for()
    text = page.get_by_label("Замечание")
    assert text.input_value().startswith("Нет темы")
    text.fill("Нет темы урока и отметок за урок")
    page.get_by_role("button", name="Записать замечание").click()
    page.locator(".toast", has_text="Замечание записано").wait_for()
    row = page.locator("table.remarks tr", has_text="Нет темы урока и отметок за урок")
    assert "Не устранено" in row.inner_text()
    screenshot(page, "deputy-remark-written")

    deputy_page, page = page, teacher_page
    sign_in(page, host, world.users["teacher"])
    page.get_by_role("navigation", name="Основное меню").get_by_role(
        "link", name="Замечания"
    ).click()
    remark = page.locator("article[data-remark]", has_text="Нет темы урока и отметок за урок")
    remark.wait_for()
    assert "Устранить до" in remark.inner_text()
    remark.get_by_label("Что исправлено").fill("Тема записана, отметки выставлены")
    remark.get_by_role("button", name="Отметить устранённым").click()
    page.locator(".toast", has_text="Замечание отмечено устранённым").wait_for()
    done = page.locator("article[data-remark]", has_text="Нет темы урока и отметок за урок")
    assert "Устранено в срок" in done.inner_text()
    assert done.locator("form").count() == 0
    screenshot(page, "teacher-remark-mended")

    page = deputy_page
    page.goto(url(host, "/remarks/?status=mended"))
    mended = page.locator("table.remarks tr", has_text="Нет темы урока и отметок за урок")
    assert "Тема записана, отметки выставлены" in mended.inner_text()
    assert "Устранено в срок" in mended.inner_text()
    with schema_context(slug.replace("-", "_")):
        assert Remark.objects.get().mended_by_id == world.users["teacher"].pk
    context.close()


def test_deputy_grants_a_substitution_the_substitute_enters_the_lesson_role5(
    page: Any, url: Any, screenshot: Any, journal_school: Any, sign_in: Any
) -> None:
    slug = "brs-substitution"
    host = f"{slug}.localhost"
    schema = slug.replace("-", "_")
    world = journal_school(slug)
    lesson = world.lesson_today
    with schema_context(schema):
        substitute = staff(world.users["substitute_no_grant"])

    sign_in(page, host, world.users["deputy"])
    page.get_by_role("navigation", name="Основное меню").get_by_role(
        "link", name="Замещения"
    ).click()
    page.get_by_role("heading", name="Журнал замещения уроков").wait_for()
    page.get_by_role("link", name="Назначить замену").click()
    page.get_by_label("День").fill(lesson.date.isoformat())
    page.get_by_role("button", name="Показать уроки").click()
    page.get_by_label("Урок", exact=True).select_option(str(lesson.pk))
    page.get_by_label("Замещающий учитель").select_option(str(substitute.pk))
    page.get_by_label("Причина замены").fill("Болезнь учителя")
    page.get_by_role("button", name="Назначить замену").click()
    page.locator(".toast", has_text="Замена назначена").wait_for()
    row = page.locator(f"table.substitutions tr[data-lesson='{lesson.pk}']")
    cells = row.inner_text()
    for text in ("5А", "Математика", "Безгрантова", "Математикова", "Болезнь учителя", "Deputy"):
        assert text in cells, text
    screenshot(page, "deputy-substitution-journal")
    sign_out(page)

    sign_in(page, host, world.users["substitute_no_grant"])
    page.goto(url(host, f"/teacher/today/?date={lesson.date.isoformat()}"))
    line = page.locator("table.lessons tr", has_text="замена")
    assert "5А" in line.inner_text() and "Математика" in line.inner_text()
    line.get_by_role("link", name="Открыть урок").click()
    page.wait_for_url(f"**/lessons/{lesson.pk}/")
    page.get_by_label("Тема урока").fill("Сложение дробей")
    page.get_by_role("button", name="Сохранить урок").click()
    page.locator(".toast", has_text="Урок сохранён").wait_for()
    screenshot(page, "substitute-lesson")
    with schema_context(schema):
        saved = Lesson.objects.get(pk=lesson.pk)
        assert (saved.topic, saved.substitute_id) == ("Сложение дробей", substitute.pk)
