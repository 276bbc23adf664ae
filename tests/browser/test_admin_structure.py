"""Browser: the journal administrator creates a class, enrols a pupil (a wrong date first:
the Russian error, the input kept), records the parent's consent and adds a timetable slot
that clashes (issue #5, SET-1..5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tenants.utils import schema_context

from journal.roster.models import Consent, Pupil
from journal.structure.models import ClassGroup, TimetableEntry

SLUG = "brs-structure"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


def test_admin_builds_a_class_and_sees_russian_errors(
    page: Any, url: Any, screenshot: Any, journal_school: Any, sign_in: Any
) -> None:
    world = journal_school(SLUG)
    today = world.today

    sign_in(page, HOST, world.users["journal_admin"])
    page.goto(url(HOST, "/manage/classes/"))
    page.get_by_label("Параллель").fill("6")
    page.get_by_label("Литера").fill("В")
    page.get_by_role("button", name="Создать класс").click()
    page.get_by_text("Класс 6В создан.").wait_for()
    screenshot(page, "admin-class-created")
    with schema_context(SCHEMA):
        group = ClassGroup.objects.get(grade=6, letter="В")

    page.goto(url(HOST, f"/manage/pupils/?class={group.pk}"))
    page.get_by_label("Фамилия").fill("Новенький")
    page.get_by_label("Имя", exact=True).fill("Степан")
    page.get_by_label("Дата рождения").fill(today.isoformat())
    page.get_by_label("Класс", exact=True).select_option(str(group.pk))
    page.get_by_label("Дата зачисления").fill(today.isoformat())
    page.get_by_label("Номер приказа о зачислении").fill("101-у")
    page.get_by_role("button", name="Зачислить").click()
    page.get_by_text("Дата рождения должна быть раньше даты зачисления.").wait_for()
    assert page.get_by_label("Фамилия").input_value() == "Новенький"
    assert page.get_by_label("Номер приказа о зачислении").input_value() == "101-у"
    screenshot(page, "admin-enrol-error")
    with schema_context(SCHEMA):
        assert not Pupil.objects.filter(user__last_name="Новенький").exists()

    page.get_by_label("Дата рождения").fill("2013-05-14")
    page.get_by_role("button", name="Зачислить").click()
    page.get_by_text("Новенький Степан зачислен(а) в 6В.").wait_for()

    page.get_by_role("link", name="Движение, согласия").first.click()
    page.get_by_role("navigation", name="Классы").get_by_role("link", name="6В").click()
    page.get_by_role("link", name="Новенький Степан").click()
    page.get_by_text("Согласия нет").wait_for()
    signed = (today - dt.timedelta(days=1)).isoformat()
    page.get_by_label("Дата согласия").fill(signed)
    page.get_by_label("Скан (ссылка или номер согласия)").fill("Согласие № 17 от родителя")
    page.get_by_role("button", name="Внести согласие").click()
    page.get_by_text("Согласие на Новенький Степан внесено.").wait_for()
    page.get_by_text("Согласие действует").wait_for()
    screenshot(page, "admin-consent-recorded")
    with schema_context(SCHEMA):
        consent = Consent.objects.get(pupil__user__last_name="Новенький")
        assert consent.recorded_by_id == world.users["journal_admin"].pk

    page.goto(url(HOST, "/manage/timetable/"))
    page.get_by_label("Нагрузка").select_option(str(world.math5a.pk))
    page.get_by_label("День недели").select_option("1")
    page.get_by_label("Урок №").fill("1")
    page.get_by_label("Кабинет").fill("21")
    page.get_by_role("button", name="Добавить").click()
    page.get_by_text("В расписание добавлено: понедельник, урок №1").wait_for()
    # The same teacher teaches 1А: the same Monday slot clashes.
    page.get_by_label("Нагрузка").select_option(str(world.reading1a.pk))
    page.get_by_label("День недели").select_option("1")
    page.get_by_label("Урок №").fill("1")
    page.get_by_role("button", name="Добавить").click()
    page.get_by_text("Накладка: у учителя в понедельник, урок №1 уже урок в 5А.").wait_for()
    assert page.get_by_label("Нагрузка").input_value() == str(world.reading1a.pk)
    screenshot(page, "admin-timetable-clash")
    with schema_context(SCHEMA):
        assert TimetableEntry.objects.count() == 1
