"""REP-1: the summary progress sheet, the monthly class attendance, class sizes and the
movement of pupils against the hand-built 5В (tests/journal/reports_school.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django_tenants.utils import schema_context

from journal.reports.selectors import report_run
from journal.structure.models import ReportingPeriod
from tests.journal.reports_school import MARKS, ReportsSchool, build_reports_school, in_period_end
from tests.world import World


@pytest.fixture
def school(world: World) -> Any:
    with in_period_end(world), schema_context("school1"):
        yield build_reports_school(world)


def _table(school: ReportsSchool, code: str, persona: str = "deputy", **data: Any) -> Any:
    with schema_context("school1"):
        run = report_run(code=code, data=data, for_user=school.users[persona])
    assert run.table is not None, run.params_form.errors
    return run.table


def test_summary_progress_sheet_pupils_by_subjects_with_period_year_exam_final(
    school: ReportsSchool,
) -> None:
    year = school.world.year
    table = _table(
        school, "summary-progress-sheet", class_group=school.class_group.pk, academic_year=year.pk
    )
    with schema_context("school1"):
        periods = list(
            ReportingPeriod.objects.filter(year=year, grade_from__lte=5, grade_to__gte=5).order_by(
                "starts_on"
            )
        )
    # Three header rows: the subject; «Отметка за период» over the periods, then year, exam
    # and final; the periods' titles.
    assert [(c.text, c.colspan) for c in table.header[0]] == [
        ("Обучающийся", 1),
        *[(title, len(periods) + 3) for title in MARKS],
    ]
    assert table.header[0][0].rowspan == 3
    assert [c.text for c in table.header[1][:4]] == [
        "Отметка за период",
        "Годовая",
        "Экзаменационная",
        "Итоговая",
    ]
    assert [c.text for c in table.header[2][: len(periods)]] == [p.title for p in periods]
    start = school.period.starts_on
    came = f" (прибыл {start:%d.%m.%Y})" if start > year.starts_on else ""
    rows = {r[0].split(" ")[0]: r for r in table.text_rows()}
    assert len(rows) == 7  # Жуков left during the year and stays on the sheet
    assert rows["Алексеев"][0] == f"Алексеев Иван{came}"
    left = start + dt.timedelta(days=14)
    assert rows["Жуков"][0].endswith(f"выбыл {left:%d.%m.%Y})")
    assert "прибыл " + f"{start + dt.timedelta(days=10):%d.%m.%Y}" in rows["Егоров"][0]
    at = [p.pk for p in periods].index(school.period.pk)
    for name, i in (("Алексеев", 0), ("Борисов", 1), ("Егоров", 5)):
        expected: list[str] = []
        for values in MARKS.values():
            cells = [""] * len(periods) + ["", "", ""]
            cells[at] = values[i] or ""
            expected += cells
        assert rows[name][1:] == expected, name


def test_monthly_attendance_counts_codes_per_day_and_month(school: ReportsSchool) -> None:
    first, second = school.lessons
    month = first.date.replace(day=1)
    table = _table(
        school,
        "class-attendance-monthly",
        "class_teacher",
        class_group=school.class_group.pk,
        month=f"{month:%Y-%m}",
    )
    days = [d for d in (first.date, second.date) if d.month == month.month]
    assert [c.text for c in table.header[1]] == [f"{d.day:02d}" for d in days]
    rows = {r[0].split(" ")[0]: r for r in table.text_rows()}
    n = len(days)
    # pupil, the days…, Б, У, Н, О, total
    assert rows["Григорьев"][1:] == ["1Б", *[""] * (n - 1), "1", "0", "0", "0", "1"]
    if n == 2:
        assert rows["Васильев"][1:] == ["", "1Н", "0", "0", "1", "0", "1"]
    assert rows["Алексеев"][-5:] == ["0", "0", "0", "0", "0"]
    totals = table.totals[0]
    assert totals[0] == "Итого" and totals[-5:] == [1, 0, n - 1, 0, n]


def test_a_subject_teacher_gets_no_class_attendance(school: ReportsSchool) -> None:
    from django.http import Http404

    with schema_context("school1"), pytest.raises(Http404):
        report_run(
            code="class-attendance-monthly",
            data={"class_group": school.class_group.pk, "month": "2026-11"},
            for_user=school.users["teacher"],
        )


def test_class_sizes_on_a_date(school: ReportsSchool) -> None:
    day = school.period.ends_on - dt.timedelta(days=1)
    table = _table(school, "class-sizes", academic_year=school.world.year.pk, date=day.isoformat())
    assert table.text_rows() == [
        ["1А", "", "2", "0"],
        ["5А", "Классная Тест", "5", "0"],
        ["5Б", "", "2", "0"],  # Другой and Жуков (moved in)
        ["5В", "Классная Тест", "6", "0"],
    ]
    assert table.totals[0][2:] == [15, 0]


def test_movement_of_pupils_over_the_period(school: ReportsSchool) -> None:
    table = _table(
        school, "pupil-movement", academic_year=school.world.year.pk, period=school.period.pk
    )
    rows = {r[0]: [int(x) for x in r[1:]] for r in table.text_rows()}
    assert rows["5В"] == [6, 1, 1, 6]  # Жуков left for 5Б, Егоров arrived
    assert rows["5Б"][1] >= 1  # Жуков arrived
    for at_start, arrived, left, at_end in rows.values():
        assert at_end == at_start + arrived - left
    assert table.totals[0][1:] == [sum(r[i] for r in rows.values()) for i in range(4)]


def test_school_reports_are_the_heads_only(school: ReportsSchool) -> None:
    from django.http import Http404

    for persona in ("class_teacher", "teacher", "secretary"):
        with schema_context("school1"), pytest.raises(Http404):
            report_run(
                code="class-sizes",
                data={"academic_year": school.world.year.pk},
                for_user=school.users[persona],
            )
