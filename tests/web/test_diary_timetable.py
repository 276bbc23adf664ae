"""The diary a parent expects (issue #15, DIA-1, SET-3): the week's lessons with their bell
times and rooms, the weekly timetable page, headings in correct Russian, marks of earlier
periods; access (other school, lesser roles) and query budgets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context

from core.russian import accusative
from journal.register.services import MarkInput, marks_save
from journal.structure import services as structure
from journal.structure.models import ReportingPeriod, StaffMember, Subject
from tests.web.test_diary_control_import import queries_of
from tests.world import World


def timetable_of(world: World) -> None:
    """5А's mathematics in today's slot 2 in room 204 and on Monday's slot 1 in 101; 5Б's
    Russian (another class) in room 305."""
    with schema_context("school1"):
        boss = world.users["director"]
        weekday = world.today.isoweekday()
        structure.timetable_entry_create(
            assignment=world.math5a, weekday=weekday, slot=2, room="204", by=boss
        )
        if weekday != 1:
            structure.timetable_entry_create(
                assignment=world.math5a, weekday=1, slot=1, room="101", by=boss
            )
        structure.timetable_entry_create(
            assignment=world.russian5b, weekday=weekday, slot=3, room="305", by=boss
        )


@pytest.mark.usefixtures("school_day")
def test_the_week_shows_lesson_times_from_the_bells_and_rooms_from_the_timetable(
    world: World, page_client: Any
) -> None:
    timetable_of(world)
    html = page_client("parent").get("/diary/").content.decode()
    # The world's bells: lesson n from (7+n):00 to (7+n):45; today's mathematics is lesson 2.
    assert "<time>09:00</time>–<time>09:45</time> · кабинет 204" in html
    assert "кабинет 305" not in html  # another class's room


@pytest.mark.usefixtures("school_day")
def test_the_timetable_page_lists_the_childs_week_with_times_teachers_and_rooms(
    world: World, page_client: Any
) -> None:
    timetable_of(world)
    for persona in ("parent", "pupil"):
        response = page_client(persona).get("/diary/timetable/")
        assert response.status_code == 200, persona
        html = response.content.decode()
        assert "Расписание уроков: Ученик00 Иван, 5А" in html
        assert "Понедельник" in html and "Пятница" in html
        assert "Математика" in html and "кабинет 204" in html
        assert "Математикова" in html  # the teacher
        assert "Русский язык" not in html and "305" not in html  # 5Б's lesson
        assert 'href="/diary/timetable/"' in html  # the menu item


@pytest.mark.usefixtures("school_day")
def test_the_timetable_page_is_the_learners_own_and_nobody_elses(
    world: World, page_client: Any, school2_user: Any
) -> None:
    timetable_of(world)
    parent = page_client("parent")
    assert parent.get(f"/diary/timetable/?child={world.other_pupil.pk}").status_code == 404
    assert (
        page_client("other_parent").get("/diary/timetable/").content.decode().count("305") == 1
    )  # 5Б's parent sees 5Б's Russian, not 5А's mathematics
    assert "204" not in page_client("other_parent").get("/diary/timetable/").content.decode()
    for staff in ("teacher", "director"):
        assert page_client(staff).get("/diary/timetable/").status_code == 403, staff
    # Another school's users: its director is refused the learners' page, and an id of
    # ours names nothing there.
    other = school2_user("director")
    response = other.get(f"/diary/timetable/?child={world.pupils[0].pk}")
    assert response.status_code == 403 and "Математика" not in response.content.decode()


@pytest.mark.usefixtures("school_day")
def test_diary_and_timetable_query_budgets_do_not_grow_with_the_timetable(
    world: World, page_client: Any
) -> None:
    client = page_client("parent")
    diary_before = queries_of(client, "/diary/")
    timetable_before = queries_of(client, "/diary/timetable/")
    timetable_of(world)
    with schema_context("school1"):
        boss = world.users["director"]
        assignment = structure.teaching_assignment_create(
            teacher=StaffMember.objects.get(user=world.users["other_teacher"]),
            subject=Subject.objects.create(title="Информатика"),
            class_group=world.class5a,
            weekly_hours=Decimal(2),
            by=boss,
        )
        for slot in (4, 6):
            structure.timetable_entry_create(
                assignment=assignment, weekday=2, slot=slot, room=f"4{slot}", by=boss
            )
    diary_after = queries_of(client, "/diary/")
    timetable_after = queries_of(client, "/diary/timetable/")
    # The bells and rooms cost two queries on a week with lessons, whatever their number.
    assert diary_after <= diary_before + 2
    assert timetable_after == timetable_before
    assert timetable_after <= 14  # session, user, scope, menu badge; 3 of the page


@pytest.mark.usefixtures("school_day")
def test_marks_heading_says_za_with_the_accusative_and_earlier_periods_are_reachable(
    world: World, page_client: Any
) -> None:
    with schema_context("school1"):
        marks_save(
            lesson=world.lesson_today,
            marks=[MarkInput(world.pupils[0].pk, 4, "oral")],
            by=world.users["teacher"],
        )
        periods = list(
            ReportingPeriod.objects.filter(
                year=world.year, grade_from__lte=5, grade_to__gte=5
            ).order_by("starts_on")
        )
    html = page_client("parent").get("/diary/").content.decode()
    assert f"Отметки за {accusative(world.period.title)}" in html
    assert "-я четверть</h2>" not in html
    # Every period of the year is offered; an earlier one opens with its own heading.
    for p in periods:
        assert f'<option value="{p.pk}"' in html
    earlier = periods[0]
    other = page_client("parent").get(f"/diary/?period={earlier.pk}").content.decode()
    assert f"Отметки за {accusative(earlier.title)}" in other


def test_accusative_reads_period_titles_after_za() -> None:
    assert accusative("1-я четверть") == "1-ю четверть"
    assert accusative("2 четверть") == "2-ю четверть"
    assert accusative("Третья четверть") == "Третью четверть"
    assert accusative("первая четверть") == "первую четверть"
    assert accusative("1-е полугодие") == "1-е полугодие"
    assert accusative("2-й триместр") == "2-й триместр"
