"""The reports' query budget (issue #12): the same number of SQL queries for a 7-pupil and a
32-pupil class, and for a school of 4 and of 13 classes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from journal.register.models import PeriodMark
from journal.reports.paper_copy import paper_copy
from journal.reports.selectors import report_run
from journal.roster import services as roster
from journal.structure import services as structure
from tests.journal.reports_school import ReportsSchool, build_reports_school, in_period_end
from tests.world import World

CLASS_REPORTS = ("class-period-results", "summary-progress-sheet", "pupil-final-data",
                 "class-attendance-monthly", "summary-attendance-sheet")  # fmt: skip


def _data(school: ReportsSchool, code: str) -> dict[str, Any]:
    first = school.lessons[0].date
    return {
        "class_group": school.class_group.pk,
        "period": school.period.pk,
        "academic_year": school.world.year.pk,
        "month": f"{first:%Y-%m}",
        "date": (school.period.ends_on - dt.timedelta(days=1)).isoformat(),
    }


def _queries(school: ReportsSchool, code: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        if code == "journal-paper-copy":
            paper_copy(data=_data(school, code), for_user=school.users["deputy"])
        else:
            run = report_run(code=code, data=_data(school, code), for_user=school.users["deputy"])
            assert run.table is not None and run.table.rows, code
    return len(ctx.captured_queries)


def _grow_class(school: ReportsSchool, n: int) -> None:
    for i in range(n):
        pupil = roster.pupil_create(
            last_name=f"Доп{i:02d}", first_name="Илья", class_group=school.class_group,
            enrolled_on=school.period.starts_on, order_number=f"d-{i}",
            by=school.users["secretary"],
        )  # fmt: skip
        for assignment in school.assignments.values():
            PeriodMark.objects.create(
                pupil=pupil, assignment=assignment, period=school.period, kind="period",
                value=str(2 + i % 4), entered_by=school.users["teacher"],
            )  # fmt: skip


def test_class_reports_keep_their_query_count_for_5_and_30_pupils(world: World) -> None:
    codes = (*CLASS_REPORTS, "journal-paper-copy")
    with in_period_end(world), schema_context("school1"):
        school = build_reports_school(world)
        small = {code: _queries(school, code) for code in codes}
        _grow_class(school, 25)
        large = {code: _queries(school, code) for code in codes}
    assert small == large
    assert max(small.values()) <= 16, small


def test_school_reports_keep_their_query_count_for_4_and_13_classes(world: World) -> None:
    codes = ("class-sizes", "pupil-movement")
    with in_period_end(world), schema_context("school1"):
        school = build_reports_school(world)
        small = {code: _queries(school, code) for code in codes}
        for i in range(9):
            group = structure.class_group_create(
                year=world.year, grade=6 + i % 3, letter="АБВГ"[i // 3], by=world.users["director"]
            )
            roster.pupil_create(
                last_name=f"Шестой{i}", first_name="Олег", class_group=group,
                enrolled_on=school.period.starts_on, order_number=f"s-{i}",
                by=world.users["secretary"],
            )  # fmt: skip
        large = {code: _queries(school, code) for code in codes}
    assert small == large
    assert max(small.values()) <= 8, small
