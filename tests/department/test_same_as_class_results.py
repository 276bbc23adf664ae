"""The department's table and the school's class results (REP-1) give the same figures for
the same class and period: one definition (journal/reports/definitions.py), TPL-3."""

from __future__ import annotations

from department.selectors import Filters, department_table, period_list
from django_tenants.utils import schema_context

from journal.access import scope_for
from journal.reports.marks import class_period_results
from journal.reports.params import Params
from tests import clock
from tests.department.schools import ROLLUP_DAY, HandSchool

FIGURES = ("pupils", "n5", "n4", "n3", "n2", "not_attested", "success_rate", "quality_rate",
           "average_mark")  # fmt: skip


def test_class_7a_quarter_2_matches_the_class_results_report_stat1_rep1(
    hand_schools: dict[str, HandSchool],
) -> None:
    a = hand_schools["A"]
    with clock.on(ROLLUP_DAY), schema_context("school1"):
        result = class_period_results(
            Params(class_group=a.classes["7А"], period=a.q2), scope_for(a.users["deputy"])
        )
    report = {row["subject"]: {f: row[f] for f in FIGURES} for row in result.rows}
    from tenants.models import School

    q2 = next(p for p in period_list() if p.title == a.q2.title)
    table = department_table(
        filters=Filters(
            period=q2,
            school_id=School.objects.get(schema_name="school1").pk,
            grade=7,
            group=("subject",),
        )
    )
    department = {row.labels["subject"]: {f: row.figures[f] for f in FIGURES} for row in table.rows}
    assert set(report) == {"Математика", "Русский язык"}
    assert department == report
