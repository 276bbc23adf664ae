"""Marks, corrections, lessons, attendance: the rules of the adopted regulation on the server."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from core.errors import ApplicationError, PermissionDeniedError
from journal.register import services as reg
from journal.register.models import Attendance, Mark, MarkCorrection
from journal.register.services import AttendanceInput, MarkInput
from tests.world import World, build_world


@pytest.fixture
def corrections_allowed(world: World) -> None:
    """school1 adopts a regulation that allows audited corrections of marks (MRK-2); the
    seeded default forbids them (000 §3.9, 002 п.5 ж), 004 §8.6)."""
    from tests.catalog.adopt import adopt_rules

    adopt_rules("school1", correction={"allowed": True})


def _marks(world: World, values: list[int], kind: str = "oral") -> list[MarkInput]:
    return [MarkInput(p.pk, v, kind) for p, v in zip(world.pupils, values, strict=False)]


def test_teacher_saves_marks_mrk1(world: World) -> None:
    with schema_context("school1"):
        saved = reg.marks_save(
            lesson=world.lesson_today, marks=_marks(world, [5, 4, 3]), by=world.users["teacher"]
        )
        assert [m.value for m in saved] == [5, 4, 3]
        assert Mark.objects.filter(lesson=world.lesson_today).count() == 3


def test_mark_6_is_refused_mrk1(world: World) -> None:
    with schema_context("school1"), pytest.raises(ValidationError) as err:
        reg.marks_save(
            lesson=world.lesson_today, marks=_marks(world, [5, 6]), by=world.users["teacher"]
        )
    assert "Отметка 6 недопустима" in str(err.value.message_dict["marks[1]"])
    with schema_context("school1"):
        assert not Mark.objects.exists()  # a failed bulk save writes nothing


def test_mark_in_first_grade_is_refused_les3(world: World) -> None:
    pupil = world.extra["first_graders"][0]
    with schema_context("school1"), pytest.raises(ApplicationError) as err:
        reg.marks_save(
            lesson=world.lesson_1a,
            marks=[MarkInput(pupil.pk, 5, "oral")],
            by=world.users["teacher"],
        )
    assert "безотметочное" in err.value.message


def test_homework_in_first_grade_is_refused_les3(world: World) -> None:
    with schema_context("school1"), pytest.raises(ValidationError) as err:
        reg.lesson_update(lesson=world.lesson_1a, homework="с. 12", by=world.users["teacher"])
    assert "homework" in err.value.message_dict


def test_homework_may_be_posted_ahead_les2(world: World) -> None:
    with schema_context("school1"):
        from journal.register.models import Lesson

        future = Lesson.objects.create(
            assignment=world.math5a, date=world.today + dt.timedelta(days=3), slot=1
        )
        reg.lesson_update(lesson=future, homework="№ 125", by=world.users["teacher"])
        future.refresh_from_db()
        assert future.homework == "№ 125"


def test_backdated_mark_outside_window_is_refused_mrk2(world: World) -> None:
    with schema_context("school1"), pytest.raises(ApplicationError) as err:
        reg.marks_save(lesson=world.lesson_old, marks=_marks(world, [4]), by=world.users["teacher"])
    assert "Срок внесения отметок" in err.value.message


def test_yesterday_within_deadline_is_accepted_mrk2(world: World) -> None:
    with schema_context("school1"):
        saved = reg.marks_save(
            lesson=world.lesson_yesterday, marks=_marks(world, [4]), by=world.users["teacher"]
        )
        assert saved[0].is_late_entry is False


def test_mark_for_future_lesson_is_refused(world: World) -> None:
    with schema_context("school1"):
        from journal.register.models import Lesson

        future = Lesson.objects.create(
            assignment=world.math5a, date=world.today + dt.timedelta(days=2), slot=1
        )
        with pytest.raises(ValidationError):
            reg.marks_save(lesson=future, marks=_marks(world, [4]), by=world.users["teacher"])


def test_raw_sql_update_delete_truncate_of_marks_fail_mrk2(world: World) -> None:
    with schema_context("school1"):
        reg.marks_save(
            lesson=world.lesson_today, marks=_marks(world, [3]), by=world.users["teacher"]
        )
        for sql in (
            "UPDATE register_mark SET value = 5",
            "DELETE FROM register_mark",
            "TRUNCATE register_mark CASCADE",
        ):
            with (
                pytest.raises(DatabaseError) as err,
                transaction.atomic(),
                connection.cursor() as c,
            ):
                # The test's own transaction holds deferred FK checks; TRUNCATE needs none.
                c.execute("SET CONSTRAINTS ALL IMMEDIATE")
                c.execute(sql)
            assert "не изменяются и не удаляются" in str(err.value)
        assert Mark.objects.get().value == 3


def test_triggers_refuse_in_a_school_created_now_mrk2(operator: Any) -> None:
    """A school cloned during the test: the triggers came with the clone."""
    from tenants.services import school_create

    school_create(
        slug="trig-check",
        name="МБОУ «СОШ № 77»",
        short_name="СОШ № 77",
        inn="7830002293",
        admin_email="a@b.example",
    )
    with schema_context("trig_check"):
        w = build_world(n_pupils=1)
        mark = reg.marks_save(lesson=w.lesson_today, marks=_marks(w, [3]), by=w.users["teacher"])[0]
        # A correction row, so that the row triggers of corrections have a row to refuse.
        MarkCorrection.objects.create(
            mark=mark, old_value=3, new_value=4, reason="Ошибка", corrected_by=w.users["deputy"]
        )
        for sql in (
            "UPDATE register_mark SET value = 5",
            "UPDATE register_markcorrection SET new_value = 5",
            "DELETE FROM register_mark",
            "TRUNCATE register_mark CASCADE",
            "DELETE FROM register_markcorrection",
            "TRUNCATE register_markcorrection",
        ):
            with (
                pytest.raises(DatabaseError) as err,
                transaction.atomic(),
                connection.cursor() as c,
            ):
                c.execute("SET CONSTRAINTS ALL IMMEDIATE")
                c.execute(sql)
            assert "не изменяются и не удаляются" in str(err.value), sql
        assert list(Mark.objects.values_list("value", flat=True)) == [3]


def test_correction_by_deputy_in_window_mrk2(world: World, corrections_allowed: None) -> None:
    with schema_context("school1"):
        mark = reg.marks_save(
            lesson=world.lesson_today, marks=_marks(world, [2]), by=world.users["teacher"]
        )[0]
        corr = reg.mark_correct(
            mark=mark, new_value=4, reason="Ошибка при вводе", by=world.users["deputy"]
        )
        assert (corr.old_value, corr.new_value) == (2, 4)
        assert corr.corrected_by == world.users["deputy"]
        mark.refresh_from_db()
        assert mark.value == 2  # the mark row itself never changes


def test_correction_by_teacher_is_refused_by_role_mrk2(
    world: World, corrections_allowed: None
) -> None:
    with schema_context("school1"):
        mark = reg.marks_save(
            lesson=world.lesson_today, marks=_marks(world, [2]), by=world.users["teacher"]
        )[0]
        with pytest.raises(PermissionDeniedError) as err:
            reg.mark_correct(mark=mark, new_value=4, reason="x", by=world.users["teacher"])
        assert "заместитель директора" in err.value.message


def test_correction_outside_window_is_refused_mrk2(world: World, corrections_allowed: None) -> None:
    with schema_context("school1"):
        mark = reg.marks_save(
            lesson=world.lesson_today, marks=_marks(world, [2]), by=world.users["teacher"]
        )[0]
        later = timezone.now() + dt.timedelta(days=8)
        with mock.patch("django.utils.timezone.now", return_value=later):
            with pytest.raises(ApplicationError) as err:
                reg.mark_correct(mark=mark, new_value=4, reason="x", by=world.users["deputy"])
        assert "Срок исправления истёк" in err.value.message
        assert not MarkCorrection.objects.exists()


def test_correction_without_reason_is_refused_mrk2(world: World, corrections_allowed: None) -> None:
    with schema_context("school1"):
        mark = reg.marks_save(
            lesson=world.lesson_today, marks=_marks(world, [2]), by=world.users["teacher"]
        )[0]
        with pytest.raises(ValidationError) as err:
            reg.mark_correct(mark=mark, new_value=4, reason=" ", by=world.users["deputy"])
        assert "reason" in err.value.message_dict


def test_substitute_needs_the_grant_role3(world: World) -> None:
    with schema_context("school1"):
        saved = reg.marks_save(
            lesson=world.lesson_subst, marks=_marks(world, [5]), by=world.users["substitute"]
        )
        assert saved[0].as_substitute
        with pytest.raises(PermissionDeniedError):
            reg.marks_save(
                lesson=world.lesson_today, marks=_marks(world, [5]), by=world.users["substitute"]
            )
        with pytest.raises(PermissionDeniedError):
            reg.marks_save(
                lesson=world.lesson_subst,
                marks=_marks(world, [5]),
                by=world.users["substitute_no_grant"],
            )
        world.lesson_subst.refresh_from_db()
        replaced = world.lesson_subst.substituted_teacher
        assert replaced is not None and replaced.user == world.users["teacher"]


def test_pe_exempt_pupil_gets_theoretical_marks_only_mrk5(world: World) -> None:
    with schema_context("school1"):
        from journal.register.models import Lesson
        from journal.structure.services import teaching_assignment_create
        from tests.world import staff

        pe5a = teaching_assignment_create(
            teacher=staff(world.users["teacher"]),
            subject=world.pe,
            class_group=world.class5a,
            weekly_hours=Decimal(3),
            by=world.users["director"],
        )
        lesson = Lesson.objects.create(assignment=pe5a, date=world.today, slot=6)
        pupil = world.pupils[0]
        reg.pe_exemption_create(
            pupil=pupil,
            starts_on=world.today - dt.timedelta(days=5),
            ends_on=world.today + dt.timedelta(days=20),
            document="Справка № 15",
            by=world.users["class_teacher"],
        )
        with pytest.raises(ValidationError) as err:
            reg.marks_save(
                lesson=lesson,
                marks=[MarkInput(pupil.pk, 5, "practical")],
                by=world.users["teacher"],
            )
        assert "освобождён" in str(err.value)
        assert reg.marks_save(
            lesson=lesson, marks=[MarkInput(pupil.pk, 5, "oral")], by=world.users["teacher"]
        )


def test_teacher_marks_absent_class_teacher_sets_reason_att1(world: World) -> None:
    with schema_context("school1"):
        p0, p1 = world.pupils[0], world.pupils[1]
        reg.attendance_save(
            lesson=world.lesson_today,
            entries=[AttendanceInput(p0.pk, "Н"), AttendanceInput(p1.pk, "О")],
            by=world.users["teacher"],
        )
        with pytest.raises(ValidationError):
            reg.attendance_save(
                lesson=world.lesson_today,
                entries=[AttendanceInput(p0.pk, "Б")],
                by=world.users["teacher"],
            )
        att = Attendance.objects.get(lesson=world.lesson_today, pupil=p0)
        with pytest.raises(PermissionDeniedError):
            reg.attendance_reason_set(attendance=att, code="Б", by=world.users["teacher"])
        reg.attendance_reason_set(
            attendance=att, code="Б", note="справка", by=world.users["class_teacher"]
        )
        # The teacher re-saves the column: the reason set by the class teacher stays.
        reg.attendance_save(
            lesson=world.lesson_today,
            entries=[AttendanceInput(p0.pk, "Н"), AttendanceInput(p1.pk, None)],
            by=world.users["teacher"],
        )
        assert Attendance.objects.get(lesson=world.lesson_today, pupil=p0).code == "Б"
        assert not Attendance.objects.filter(lesson=world.lesson_today, pupil=p1).exists()


def test_pupil_cannot_write_anything_role2(world: World) -> None:
    with schema_context("school1"):
        me = world.users["pupil"]
        with pytest.raises(PermissionDeniedError):
            reg.marks_save(lesson=world.lesson_today, marks=_marks(world, [5]), by=me)
        with pytest.raises(PermissionDeniedError):
            reg.lesson_update(lesson=world.lesson_today, topic="x", by=me)
        with pytest.raises(PermissionDeniedError):
            reg.attendance_save(lesson=world.lesson_today, entries=[], by=me)
