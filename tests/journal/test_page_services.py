"""The services the pages call instead of doing the work themselves (issue #9):

- `register.services.lesson_entries_save`: a lesson's column from the grid, marks and
  attendance, all or nothing (MRK-1, ATT-1);
- `planning.services.thematic_plan_check`: the КТП import's dry run, row errors by line
  number as data, nothing written (PLAN-2).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.errors import PermissionDeniedError
from journal.planning import services as planning
from journal.planning.models import CurriculumLine, ThematicPlan
from journal.register import services as reg
from journal.register.models import Attendance, Mark
from journal.register.services import AttendanceInput, MarkInput
from tests.world import World


def test_lesson_entries_save_writes_marks_and_attendance_together_mrk1_att1(
    world: World,
) -> None:
    a, b, c = world.pupils[:3]
    with schema_context("school1"):
        saved = reg.lesson_entries_save(
            lesson=world.lesson_today,
            marks=[MarkInput(a.pk, 5, "oral"), MarkInput(b.pk, 4, "oral")],
            attendance=[AttendanceInput(c.pk, Attendance.Code.UNEXCUSED)],
            by=world.users["teacher"],
        )
        assert sorted(m.value for m in saved) == [4, 5]
        assert Mark.objects.filter(lesson=world.lesson_today).count() == 2
        assert Attendance.objects.get(lesson=world.lesson_today).pupil_id == c.pk


def test_a_refused_attendance_saves_no_marks_either(world: World) -> None:
    a, b = world.pupils[:2]
    with schema_context("school1"), pytest.raises(ValidationError) as err:
        reg.lesson_entries_save(
            lesson=world.lesson_today,
            marks=[MarkInput(a.pk, 5, "oral")],
            # «Б» is the class teacher's reason, not the teacher's mark.
            attendance=[AttendanceInput(b.pk, Attendance.Code.ILL)],
            by=world.users["teacher"],
        )
    assert "entries[0]" in err.value.message_dict
    with schema_context("school1"):
        assert not Mark.objects.filter(lesson=world.lesson_today).exists()
        assert not Attendance.objects.filter(lesson=world.lesson_today).exists()


def test_another_teacher_saves_nothing(world: World) -> None:
    with schema_context("school1"), pytest.raises(PermissionDeniedError):
        reg.lesson_entries_save(
            lesson=world.lesson_today,
            marks=[MarkInput(world.pupils[0].pk, 5, "oral")],
            attendance=[],
            by=world.users["other_teacher"],
        )
    with schema_context("school1"):
        assert not Mark.objects.filter(lesson=world.lesson_today).exists()


CSV = "№;Тема;Часы;Дата\n1;Натуральные числа;2;01.09.2025\n2;;2;08.09.2025\n3;Дроби;x;\n4;Углы;1;\n"


def test_plan_check_returns_row_errors_by_line_and_writes_nothing_plan2(world: World) -> None:
    with schema_context("school1"):
        CurriculumLine.objects.create(
            year=world.year, grade=5, subject=world.math, hours_per_year=5
        )
        check = planning.thematic_plan_check(
            assignment=world.math5a,
            content=CSV.encode(),
            filename="ktp.csv",
            by=world.users["teacher"],
        )
        assert check.row_errors == {
            3: [planning.ROW_CONTENT_ERROR],
            4: [planning.ROW_FORMAT_ERROR],
        }
        assert check.file_errors == []
        assert check.error_count == 2
        assert [line for line, _cells in check.preview] == [1, 2, 3, 4, 5]
        assert check.preview[1][1] == ["1", "Натуральные числа", "2", "01.09.2025"]
        assert not ThematicPlan.objects.exists()


def test_plan_check_reports_the_hours_against_the_curriculum_as_a_file_error(
    world: World,
) -> None:
    good = "№;Тема;Часы\n1;Натуральные числа;2\n2;Дроби;1\n"
    with schema_context("school1"):
        CurriculumLine.objects.create(
            year=world.year, grade=5, subject=world.math, hours_per_year=5
        )
        short = planning.thematic_plan_check(
            assignment=world.math5a,
            content=good.encode(),
            filename="ktp.csv",
            by=world.users["teacher"],
        )
        assert short.row_errors == {}
        assert len(short.file_errors) == 1 and "в КТП 3 ч" in short.file_errors[0]
        CurriculumLine.objects.filter(year=world.year, subject=world.math).update(hours_per_year=3)
        fits = planning.thematic_plan_check(
            assignment=world.math5a,
            content=good.encode(),
            filename="ktp.csv",
            by=world.users["teacher"],
        )
        assert fits.error_count == 0 and len(fits.rows) == 2
        refused = planning.thematic_plan_check(
            assignment=world.math5a,
            content=good.encode(),
            filename="ktp.csv",
            by=world.users["other_teacher"],
        )
        assert refused.file_errors == ["КТП загружает учитель, ведущий предмет, или администрация."]
        assert not ThematicPlan.objects.exists()
