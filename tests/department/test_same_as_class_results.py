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


def test_the_cross_school_report_gives_the_class_results_figures_rep1_tpl3(
    hand_schools: dict[str, HandSchool],
) -> None:
    """School B's only 7th grade is 7А: the department's REP-1 form for grade 7 and
    mathematics shows B's row with 7А's class results, cell for cell as displayed."""
    from department.reports import CLASS_RESULTS, department_report

    from journal.reports.layout import display
    from tenants.models import School

    b = hand_schools["B"]
    with clock.on(ROLLUP_DAY), schema_context("school2"):
        result = class_period_results(
            Params(class_group=b.classes["7А"], period=b.q2), scope_for(b.users["deputy"])
        )
    row = next(r for r in result.rows if r["subject"] == "Математика")
    q2 = next(p for p in period_list() if p.title == b.q2.title)
    run = department_report(
        code=CLASS_RESULTS, data={"period": q2.key, "grade": "7", "subject": "Математика"}
    )
    assert run.table is not None
    name = School.objects.get(schema_name="school2").short_name
    line = next(r for r in run.table.text_rows() if r[0] == name)
    kinds = {"success_rate": "percent", "quality_rate": "percent", "average_mark": "decimal"}
    expected = [display(row[f], kinds.get(f, "integer")) for f in FIGURES]
    assert line[1:10] == expected
    assert expected == ["5", "0", "3", "2", "0", "0", "100,0", "60,0", "3,60"]
