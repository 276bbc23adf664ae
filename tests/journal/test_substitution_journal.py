"""ROLE-5: the substitution journal lists every substituted lesson with the substitute,
the absent teacher, the reason and the deputy who granted it (000 §3.9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.errors import PermissionDeniedError
from journal.register.models import Lesson
from tests.world import World, staff

URL = "/api/v1/register/substitutions/"


def _grant(world: World, lesson: Lesson, reason: str = "Курсы повышения квалификации") -> int:
    with schema_context("school1"):
        substitute = staff(world.users["substitute_no_grant"]).pk
    return (
        world.client("deputy")
        .post(
            f"/api/v1/register/lessons/{lesson.pk}/substitution/",
            {"substitute_id": substitute, "reason": reason},
            format="json",
        )
        .status_code
    )


def test_granted_substitution_appears_in_the_journal_role5(world: World) -> None:
    assert _grant(world, world.lesson_yesterday) == 200
    rows = world.client("deputy").get(URL).json()["results"]
    by_lesson = {r["lesson_id"]: r for r in rows}
    assert set(by_lesson) == {world.lesson_subst.pk, world.lesson_yesterday.pk}
    row = by_lesson[world.lesson_yesterday.pk]
    assert (row["class_group"], row["subject"], row["date"], row["slot"]) == (
        "5А",
        "Математика",
        (world.today - dt.timedelta(days=1)).isoformat(),
        2,
    )
    assert (row["substitute"], row["absent_teacher"], row["reason"]) == (
        world.users["substitute_no_grant"].full_name,
        world.users["teacher"].full_name,
        "Курсы повышения квалификации",
    )
    assert row["granted_by"] == world.users["deputy"].full_name
    assert row["granted_at"]
    # By date: only yesterday's.
    day = (world.today - dt.timedelta(days=1)).isoformat()
    dated = world.client("deputy").get(f"{URL}?date_from={day}&date_to={day}").json()["results"]
    assert [r["lesson_id"] for r in dated] == [world.lesson_yesterday.pk]


def test_teachers_see_their_own_substitutions_only_role5(world: World) -> None:
    assert _grant(world, world.lesson_yesterday) == 200

    def lessons(persona: str) -> set[int]:
        return {r["lesson_id"] for r in world.client(persona).get(URL).json()["results"]}

    assert lessons("substitute") == {world.lesson_subst.pk}
    assert lessons("substitute_no_grant") == {world.lesson_yesterday.pk}
    assert lessons("teacher") == {world.lesson_subst.pk, world.lesson_yesterday.pk}
    assert lessons("other_teacher") == set()
    # A staff route: the learners' guard refuses the family before the view (ROLE-2).
    assert world.client("parent").get(URL).status_code == 403


def test_a_substitution_needs_a_reason_role5(world: World) -> None:
    with schema_context("school1"):
        substitute = staff(world.users["substitute_no_grant"]).pk
    response = world.client("deputy").post(
        f"/api/v1/register/lessons/{world.lesson_yesterday.pk}/substitution/",
        {"substitute_id": substitute},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["reason"] == ["Обязательное поле."]
    with schema_context("school1"):
        world.lesson_yesterday.refresh_from_db()
        assert world.lesson_yesterday.substitute_id is None


def test_journal_queries_do_not_grow_with_the_rows_role5(world: World) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert world.client("deputy").get(URL).status_code == 200
        return len(ctx.captured_queries)

    count()
    one = count()
    with schema_context("school1"):
        extra = [
            Lesson.objects.create(
                assignment=world.math5a, date=world.today - dt.timedelta(days=d), slot=3
            )
            for d in range(2, 7)
        ]
    for lesson in extra:
        assert _grant(world, lesson) == 200
    assert count() == one


def test_a_new_substitute_replaces_the_old_one_role3(world: World) -> None:
    """Re-granting a substituted lesson to someone else takes it from the first substitute:
    only the substitute in force may enter the lesson (ROLE-3)."""
    from journal.register.services import MarkInput, marks_save

    lesson = world.lesson_subst  # granted to `substitute` by the world
    assert _grant(world, lesson, reason="Больничный") == 200  # now `substitute_no_grant`
    with schema_context("school1"):
        lesson.refresh_from_db()
        assert lesson.substitute == staff(world.users["substitute_no_grant"])
        with pytest.raises(PermissionDeniedError):
            marks_save(
                lesson=lesson,
                marks=[MarkInput(world.pupils[0].pk, 5, "oral")],
                by=world.users["substitute"],
            )
        saved = marks_save(
            lesson=lesson,
            marks=[MarkInput(world.pupils[0].pk, 5, "oral")],
            by=world.users["substitute_no_grant"],
        )
        assert [m.value for m in saved] == [5]
