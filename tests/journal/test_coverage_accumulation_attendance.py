"""Curriculum (PLAN-1), programme coverage (PLAN-3), accumulation of marks (MRK-6),
systematic absence (ATT-2) and the attributable read log (ROLE-4)."""

from __future__ import annotations

import datetime as dt
import math

from django_tenants.utils import schema_context

from catalog.selectors import current_rules
from journal.audit.models import AccessLog
from journal.planning import services as planning
from journal.planning.models import CurriculumLine
from journal.planning.services import PlanRow
from journal.register.models import Attendance, Lesson
from tests.factories import LessonFactory, MarkFactory
from tests.world import World

B = "/api/v1/"


def test_curriculum_line_saved_and_replaced_plan1(world: World) -> None:
    client = world.client("deputy")
    payload = {"year_id": world.year.pk, "grade": 5, "subject_id": world.math.pk}
    made = client.post(B + "planning/curriculum/", {**payload, "hours_per_year": 170}, "json")
    assert made.status_code == 201 and made.json()["hours_per_year"] == 170
    again = client.post(B + "planning/curriculum/", {**payload, "hours_per_year": 136}, "json")
    assert again.json() == {"id": made.json()["id"], "hours_per_year": 136}
    with schema_context("school1"):
        assert CurriculumLine.objects.get().hours_per_year == 136
    bad = client.post(B + "planning/curriculum/", {**payload, "hours_per_year": 0}, "json")
    assert bad.status_code == 400
    assert bad.json()["errors"]["hours_per_year"] == ["Часов в год — от 1 до 400."]
    # A teacher's complete, valid request: refused by role, nothing changed.
    refused = world.client("teacher").post(
        B + "planning/curriculum/", {**payload, "hours_per_year": 100}, "json"
    )
    assert refused.status_code == 403
    with schema_context("school1"):
        assert CurriculumLine.objects.get().hours_per_year == 136


def test_programme_coverage_planned_vs_given_plan3(world: World) -> None:
    """Plan: 4 topics (5 h), 3 of them due by today; given: 4 lessons up to today, 2 of
    them with a КТП topic -> lag and the missing topic are reported."""
    today = world.today
    with schema_context("school1"):
        CurriculumLine.objects.create(
            year=world.year, grade=5, subject=world.math, hours_per_year=5
        )
        plan = planning.thematic_plan_import(
            assignment=world.math5a,
            rows=[
                PlanRow(1, "Натуральные числа", 1, world.lesson_old.date),
                PlanRow(2, "Дроби", 2, today - dt.timedelta(days=1)),
                PlanRow(3, "Проценты", 1, today),
                PlanRow(4, "Уравнения", 1, today + dt.timedelta(days=7)),
            ],
            by=world.users["teacher"],
        )
        items = list(plan.items.order_by("position"))
        Lesson.objects.filter(pk=world.lesson_old.pk).update(
            plan_item=items[0], topic=items[0].topic
        )
        Lesson.objects.filter(pk=world.lesson_yesterday.pk).update(
            plan_item=items[1], topic=items[1].topic
        )
    body = world.client("teacher").get(B + f"planning/assignments/{world.math5a.pk}/coverage/")
    assert body.status_code == 200
    assert body.json() == {
        "planned_hours": 5,
        "planned_to_date": 4,
        "given": 4,  # old, yesterday, today, substituted (all dated up to today)
        "given_with_topic": 2,
        "lag": 0,
        "topics_missing": ["Проценты"],
    }
    assert (
        world.client("other_teacher")
        .get(B + f"planning/assignments/{world.math5a.pk}/coverage/")
        .status_code
        == 404
    )


def test_accumulation_counts_effective_marks_against_weekly_hours_mrk6(world: World) -> None:
    rules = current_rules()
    required = math.ceil(rules.min_marks_per_weekly_hour * float(world.math5a.weekly_hours))
    with schema_context("school1"):
        lessons = [
            LessonFactory(
                assignment=world.math5a, date=world.period.starts_on + dt.timedelta(days=i)
            )
            for i in range(required)
        ]
        for lesson in lessons:
            MarkFactory(lesson=lesson, pupil=world.pupils[0], entered_by=world.users["teacher"])
        MarkFactory(
            lesson=lessons[0], pupil=world.pupils[1], value=5, entered_by=world.users["teacher"]
        )
    rows = world.client("teacher").get(
        B + f"register/accumulation/?assignment_id={world.math5a.pk}&period_id={world.period.pk}"
    )
    by_pupil = {r["pupil_id"]: r for r in rows.json()}
    assert by_pupil[world.pupils[0].pk] == {
        "pupil_id": world.pupils[0].pk,
        "name": by_pupil[world.pupils[0].pk]["name"],
        "marks": required,
        "required": required,
        "enough": True,
    }
    assert (by_pupil[world.pupils[1].pk]["marks"], by_pupil[world.pupils[1].pk]["enough"]) == (
        1,
        False,
    )
    assert by_pupil[world.pupils[2].pk]["marks"] == 0


def test_systematic_unexcused_absence_is_flagged_att2(world: World) -> None:
    """The template's threshold of school days in a row with an unexcused absence raises the
    flag on the class teacher's daily sheet; an absence with a reason («Б») breaks the run."""
    threshold = current_rules().systematic_absence_threshold
    teacher = world.users["teacher"]
    with schema_context("school1"):
        days = [world.today - dt.timedelta(days=d) for d in range(threshold)]
        lessons = [
            Lesson.objects.get_or_create(assignment=world.math5a, date=day, slot=2)[0]
            for day in days
        ]
        for lesson in lessons:
            Attendance.objects.create(
                lesson=lesson, pupil=world.pupils[0], code="Н", marked_by=teacher
            )
        for i, lesson in enumerate(lessons):
            Attendance.objects.create(
                lesson=lesson,
                pupil=world.pupils[1],
                code="Б" if i == 1 else "Н",
                marked_by=teacher,
            )
    url = B + f"register/classes/{world.class5a.pk}/attendance/?date={world.today.isoformat()}"
    rows = {r["pupil_id"]: r for r in world.client("class_teacher").get(url).json()}
    assert rows[world.pupils[0].pk]["systematic"] is True
    assert rows[world.pupils[1].pk]["systematic"] is False
    assert rows[world.pupils[2].pk]["systematic"] is False
    assert [a["code"] for a in rows[world.pupils[0].pk]["absences"]] == ["Н"]
    bad = world.client("class_teacher").get(
        B + f"register/classes/{world.class5a.pk}/attendance/?date=сегодня"
    )
    assert bad.status_code == 400


def test_staff_reads_of_pupil_data_are_attributable_role4(world: World) -> None:
    """Who (user id and name), when, what (kind of read and the pupils) for every read."""
    with schema_context("school1"):
        before = AccessLog.objects.count()
    world.client("teacher").get(
        B + f"register/grid/?assignment_id={world.math5a.pk}&period_id={world.period.pk}"
    )
    world.client("secretary").get(B + f"roster/pupils/{world.pupils[2].pk}/")
    world.client("class_teacher").get(
        B + f"roster/classes/{world.class5a.pk}/list/?on={world.today.isoformat()}"
    )
    with schema_context("school1"):
        new = list(AccessLog.objects.order_by("id")[before:])
    seen = {(e.user_id, e.what): e for e in new}
    grid = seen[(world.users["teacher"].pk, "register.journal_grid")]
    assert set(grid.pupil_ids) == {p.pk for p in world.pupils}
    assert grid.action == "read" and grid.user_name and grid.at is not None
    assert (
        grid.details.items()
        >= {
            "assignment_id": world.math5a.pk,
            "period_id": world.period.pk,
        }.items()
    )
    card = seen[(world.users["secretary"].pk, "roster.pupil")]
    assert card.pupil_ids == [world.pupils[2].pk]
    assert (world.users["class_teacher"].pk, "roster.class_list") in seen
    # The log is append-only like the marks.
    import pytest
    from django.db import DatabaseError, connection, transaction

    with schema_context("school1"), pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accesslog")
