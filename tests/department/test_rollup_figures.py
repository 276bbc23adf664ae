"""The rollup's figures against two hand-built schools (STAT-1, REP-2, DIA-4): every
expected number below is worked out by hand from the table in tests/department/schools.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from department.models import MonthRollup, PeriodRollup
from department.selectors import Filters, department_table, period_list

from tests.department.schools import HandSchool, refresh


def _rows(schema: str) -> list[tuple[Any, ...]]:
    return sorted(
        PeriodRollup.objects.filter(school__schema_name=schema).values_list(
            "period_title", "grade", "subject", "pupils", "n5", "n4", "n3", "n2", "not_attested"
        )
    )


def test_period_rows_hold_the_hand_counted_tallies_stat1(
    hand_schools: dict[str, HandSchool],
) -> None:
    q1, q2 = hand_schools["A"].q1.title, hand_schools["A"].q2.title
    assert _rows("school1") == sorted([
        (q1, 7, "Математика", 6, 0, 6, 0, 0, 0),
        # no period mark given yet counts as not attested, as in the class results
        (q1, 7, "Русский язык", 6, 0, 0, 0, 0, 6),
        (q1, 8, "Математика", 3, 0, 0, 0, 0, 3),
        (q1, 9, "Математика", 5, 0, 5, 0, 0, 0),
        (q2, 7, "Математика", 6, 2, 1, 1, 1, 1),
        (q2, 7, "Русский язык", 6, 1, 3, 2, 0, 0),
        (q2, 8, "Математика", 3, 3, 0, 0, 0, 0),
        (q2, 9, "Математика", 5, 0, 5, 0, 0, 0),
    ])  # fmt: skip
    assert _rows("school2") == [
        (q1, 7, "Математика", 5, 0, 0, 0, 0, 5),
        (q2, 7, "Математика", 5, 0, 3, 2, 0, 0),
    ]


def test_period_rows_count_missing_period_marks_and_their_last_day_rep2(
    hand_schools: dict[str, HandSchool],
) -> None:
    """«н/а» is a mark given; no mark at all is missing (7А's «н/а» in mathematics is not)."""
    a = hand_schools["A"]
    q1, q2 = a.q1.title, a.q2.title
    rows = sorted(
        PeriodRollup.objects.filter(school__schema_name="school1").values_list(
            "period_title", "grade", "subject", "not_attested", "missing", "marks_close_on"
        )
    )
    week = dt.timedelta(days=7)  # the regulation's default: a week after the period's end
    assert rows == sorted([
        (q1, 7, "Математика", 0, 0, a.q1.ends_on + week),
        (q1, 7, "Русский язык", 6, 6, a.q1.ends_on + week),
        (q1, 8, "Математика", 3, 3, a.q1.ends_on + week),
        (q1, 9, "Математика", 0, 0, a.q1.ends_on + week),
        (q2, 7, "Математика", 1, 0, a.q2.ends_on + week),
        (q2, 7, "Русский язык", 0, 0, a.q2.ends_on + week),
        (q2, 8, "Математика", 0, 0, a.q2.ends_on + week),
        (q2, 9, "Математика", 0, 0, a.q2.ends_on + week),
    ])  # fmt: skip


def test_month_rows_attendance_and_journal_keeping_rep2(
    hand_schools: dict[str, HandSchool],
) -> None:
    november = MonthRollup.objects.get(
        school__schema_name="school1", grade=7, month=dt.date(2025, 11, 1)
    )
    assert (november.pupils, november.lessons, november.pupil_lessons) == (6, 2, 12)
    assert (november.ill, november.excused, november.unexcused, november.late) == (1, 0, 1, 1)
    assert (
        november.lessons_with_topic,
        november.lessons_with_homework,
        november.lessons_with_marks,
    ) == (1, 1, 1)
    assert november.pupils_signed_in == 0 and november.parents == 0


def test_no_rollup_row_holds_a_pupil_field_sec4(hand_schools: dict[str, HandSchool]) -> None:
    for model in (PeriodRollup, MonthRollup):
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"pupil", "pupil_id", "name", "last_name", "snils", "user"}


def test_municipal_grade_figures_sum_the_schools_stat1(hand_schools: dict[str, HandSchool]) -> None:
    """Grade 7 mathematics, 2nd quarter: A 5 5 4 3 2 н/а + B 4 4 4 3 3 = 11 pupils,
    «5» 2, «4» 4, «3» 3, «2» 1, н/а 1: success 9/11 = 81,8 %, quality 6/11 = 54,5 %,
    average 37/10 = 3,70."""
    q2 = next(p for p in period_list() if p.title == hand_schools["A"].q2.title)
    table = department_table(
        filters=Filters(period=q2, grade=7, subject="Математика", group=("grade",))
    )
    assert table.total is not None and not table.total.suppressed
    [row] = table.rows
    assert row.figures["pupils"] == 11
    assert row.figures["success_rate"] == Decimal("81.8")
    assert row.figures["quality_rate"] == Decimal("54.5")
    assert row.figures["average_mark"] == Decimal("3.70")
    by_school = department_table(
        filters=Filters(period=q2, grade=7, subject="Математика", group=("school",))
    )
    figures = {r.labels["school"]: r.figures for r in by_school.rows}
    assert figures["СОШ № 1"]["success_rate"] == Decimal("66.7")  # 4 of 6
    assert figures["СОШ № 1"]["quality_rate"] == Decimal("50.0")  # 3 of 6
    assert figures["СОШ № 1"]["average_mark"] == Decimal("3.80")  # 19 / 5
    assert figures["Гимназия № 2"]["success_rate"] == Decimal("100.0")
    assert figures["Гимназия № 2"]["quality_rate"] == Decimal("60.0")
    assert figures["Гимназия № 2"]["average_mark"] == Decimal("3.60")


def test_attendance_rate_of_the_quarter_stat1(hand_schools: dict[str, HandSchool]) -> None:
    """12 pupil-lessons, Б and Н missed (О is not a missed lesson): 10/12 = 83,3 %."""
    q2 = next(p for p in period_list() if p.title == hand_schools["A"].q2.title)
    assert q2.starts_on <= dt.date(2025, 11, 10) <= q2.ends_on
    table = department_table(
        filters=Filters(
            period=q2, school_id=_school_id("school1"), grade=7, kind="months", group=("grade",)
        )
    )
    [row] = table.rows
    assert row.figures["attendance_rate"] == Decimal("83.3")
    assert (row.figures["ill"], row.figures["unexcused"], row.figures["late"]) == (1, 1, 1)
    assert row.figures["topic_rate"] == Decimal("50.0")
    assert row.figures["homework_rate"] == Decimal("50.0")


def _school_id(schema: str) -> int:
    from tenants.models import School

    return int(School.objects.get(schema_name=schema).pk)


def test_refresh_twice_leaves_the_same_rows(hand_schools: dict[str, HandSchool]) -> None:
    before = _rows("school1"), _rows("school2"), MonthRollup.objects.count()
    refresh("school1")
    refresh("school1")
    assert (_rows("school1"), _rows("school2"), MonthRollup.objects.count()) == before


def test_a_school_refresh_never_touches_another_schools_rows(
    hand_schools: dict[str, HandSchool],
) -> None:
    ids_b = set(
        PeriodRollup.objects.filter(school__schema_name="school2").values_list("pk", "computed_at")
    )
    refresh("school1")
    assert (
        set(
            PeriodRollup.objects.filter(school__schema_name="school2").values_list(
                "pk", "computed_at"
            )
        )
        == ids_b
    )


def test_refresh_in_public_refuses(db: None) -> None:
    import pytest
    from department.services import rollup_refresh

    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        rollup_refresh()


def test_what_leaves_the_school_is_counts_only_sec4(hand_schools: dict[str, HandSchool]) -> None:
    """The school-side function returns labels (period, grade, subject, month) and counts:
    no field that could carry a pupil."""
    import dataclasses

    from department.school_side import MonthFigures, PeriodFigures, school_figures
    from django_tenants.utils import schema_context

    from tests import clock
    from tests.department.schools import ROLLUP_DAY

    labels = {"period_key", "period_title", "period_starts_on", "period_ends_on", "grade",
              "subject", "month", "marks_close_on"}  # fmt: skip
    for kind in (PeriodFigures, MonthFigures):
        for f in dataclasses.fields(kind):
            assert f.name in labels or f.type == "int", f.name
    with clock.on(ROLLUP_DAY), schema_context("school1"):
        figures = school_figures()
    text = repr(figures)
    assert "Маркеров" not in text and "СНИЛС" not in text
