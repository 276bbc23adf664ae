"""The teacher's own week (issue #15, SET-3, ROLE-3): the timetable on the week's dates,
each slot with class, subject, room and the way to the lesson or the journal; the
substitutions the teacher takes and the lessons others take for them; by week; access
and the query budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django_tenants.utils import schema_context

from journal.register.models import Lesson
from journal.structure import services as structure
from journal.web.timetable.selectors import teacher_timetable
from tests.web.test_diary_control_import import queries_of
from tests.world import World


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def timetable_of(world: World) -> None:
    """The teacher's 5А mathematics on Monday (slot 1, room 101) and today (slot 2, room
    204), their 1А reading today (slot 1, room 12); another teacher's 5Б Russian today
    (slot 3, room 305)."""
    with schema_context("school1"):
        boss = world.users["director"]
        weekday = world.today.isoweekday()
        assert weekday == 3  # the school day is a Wednesday
        for assignment, day, slot, room in (
            (world.math5a, 1, 1, "101"),
            (world.math5a, weekday, 2, "204"),
            (world.reading1a, weekday, 1, "12"),
            (world.russian5b, weekday, 3, "305"),
        ):
            structure.timetable_entry_create(
                assignment=assignment, weekday=day, slot=slot, room=room, by=boss
            )


def slots(world: World, persona: str, week: dt.date) -> list[tuple[Any, ...]]:
    with schema_context("school1"):
        result = teacher_timetable(for_user=world.users[persona], week_start=week)
    return [
        (
            d.date,
            x.slot,
            x.class_title,
            x.subject,
            x.room,
            x.lesson_id,
            x.grid_id,
            x.covering_for,
            x.replaced_by,
        )
        for d in result.days
        for x in d.lessons
    ]


@pytest.mark.usefixtures("school_day")
def test_the_teachers_week_lays_the_timetable_on_dates_with_lessons_and_substitutions(
    world: World,
) -> None:
    timetable_of(world)
    week = monday_of(world.today)
    today, tuesday = world.today, world.today - dt.timedelta(days=1)
    math, reading = world.math5a.pk, world.reading1a.pk
    assert slots(world, "teacher", week) == [
        # Monday: the timetable's slot, no dated lesson yet: the journal grid.
        (week, 1, "5А", "Математика", "101", None, math, "", ""),
        # Tuesday: a lesson outside the timetable still shows (no room known).
        (tuesday, 2, "5А", "Математика", "", world.lesson_yesterday.pk, math, "", ""),
        (today, 1, "1А", "Литературное чтение", "12", world.lesson_1a.pk, reading, "", ""),
        (today, 2, "5А", "Математика", "204", world.lesson_today.pk, math, "", ""),
        # Lesson 5 today is taken by the substitute (ROLE-3): marked, still the teacher's.
        (today, 5, "5А", "Математика", "", world.lesson_subst.pk, math, "", "Заменова Тест"),
    ]
    # The substitute's week: only the lesson they take, without the other's journal.
    assert slots(world, "substitute", week) == [
        (today, 5, "5А", "Математика", "", world.lesson_subst.pk, None, "Математикова Тест", ""),
    ]
    # Another teacher sees their own 5Б Russian and nothing of 5А's.
    assert slots(world, "other_teacher", week) == [
        (today, 3, "5Б", "Русский язык", "305", None, world.russian5b.pk, "", ""),
    ]
    # The next week repeats the timetable, with no dated lessons.
    next_week = week + dt.timedelta(days=7)
    assert [s[:5] for s in slots(world, "teacher", next_week)] == [
        (next_week, 1, "5А", "Математика", "101"),
        (next_week + dt.timedelta(days=2), 1, "1А", "Литературное чтение", "12"),
        (next_week + dt.timedelta(days=2), 2, "5А", "Математика", "204"),
    ]


@pytest.mark.usefixtures("school_day")
def test_the_timetable_page_shows_the_week_links_and_navigation(
    world: World, page_client: Any
) -> None:
    timetable_of(world)
    week = monday_of(world.today)
    response = page_client("teacher").get("/teacher/timetable/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Моё расписание" in html and 'href="/teacher/timetable/"' in html  # the menu
    assert "Понедельник" in html and "Пятница" in html and "Суббота" not in html
    assert "кабинет 101" in html and "кабинет 204" in html and "кабинет 12" in html
    assert f'href="/lessons/{world.lesson_today.pk}/"' in html
    assert f'href="/journals/{world.math5a.pk}/"' in html
    assert "Урок ведёт Заменова Тест (замена)" in html
    assert "305" not in html and "Русский язык" not in html
    assert f"?week={(week - dt.timedelta(days=7)).isoformat()}" in html
    assert f"?week={(week + dt.timedelta(days=7)).isoformat()}" in html
    # A week is chosen by any of its days; a malformed date falls back to this week.
    later = page_client("teacher").get(
        f"/teacher/timetable/?week={(week + dt.timedelta(days=9)).isoformat()}"
    )
    assert f"?week={week.isoformat()}" in later.content.decode()  # its previous week
    assert f'href="/lessons/{world.lesson_today.pk}/"' not in later.content.decode()
    assert page_client("teacher").get("/teacher/timetable/?week=x").status_code == 200
    substitute = page_client("substitute").get("/teacher/timetable/").content.decode()
    assert "Замена: урок учителя Математикова Тест" in substitute
    assert f'href="/lessons/{world.lesson_subst.pk}/"' in substitute
    assert f'href="/journals/{world.math5a.pk}/"' not in substitute
    # The teacher's today page leads to the week.
    today = page_client("teacher").get("/teacher/today/").content.decode()
    assert f'href="/teacher/timetable/?week={world.today.isoformat()}"' in today


@pytest.mark.usefixtures("school_day")
def test_the_timetable_page_is_the_teachers_own_and_nobody_elses(
    world: World, page_client: Any, school2_user: Any
) -> None:
    timetable_of(world)
    for persona in ("pupil", "parent"):
        assert page_client(persona).get("/teacher/timetable/").status_code == 403, persona
    # Another school's teacher on their host: their own (empty) week, nothing of ours.
    other = school2_user("teacher").get("/teacher/timetable/")
    html = other.content.decode()
    assert other.status_code == 200
    assert "Математика" not in html and "101" not in html and "5А" not in html
    # Our teacher's session means nothing on the other school's host.
    client = page_client("teacher")
    client.defaults["HTTP_HOST"] = "school2.localhost"
    response = client.get("/teacher/timetable/")
    assert response.status_code == 302 and "Математика" not in response.content.decode()


@pytest.mark.usefixtures("school_day")
def test_the_timetable_page_query_count_does_not_grow_with_lessons(
    world: World, page_client: Any
) -> None:
    client = page_client("teacher")
    before = queries_of(client, "/teacher/timetable/")
    timetable_of(world)
    with schema_context("school1"):
        boss = world.users["director"]
        for weekday in (2, 4, 5):
            for slot in (3, 4, 6):
                structure.timetable_entry_create(
                    assignment=world.math5a, weekday=weekday, slot=slot, room=f"{slot}0", by=boss
                )
        week = monday_of(world.today)
        for offset in (1, 3, 4):
            Lesson.objects.create(
                assignment=world.math5a, date=week + dt.timedelta(days=offset), slot=3
            )
    after = queries_of(client, "/teacher/timetable/")
    assert after == before
    assert after <= 16
