"""Cross-school reports as central report forms (TPL-3, REP-1, REP-2, STAT-1): the rows
worked out by hand from tests/department/schools.py, through the reports engine's layout
and its HTML, PDF and XLSX; the form version decides the columns; suppression applies."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from department.reports import CLASS_RESULTS, JOURNAL_KEEPING, department_report
from department.selectors import period_list
from django.test import Client
from django.urls import reverse as django_reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from catalog.models import ReportForm
from tests import clock
from tests.department.schools import ROLLUP_DAY, HandSchool


def reverse(name: str, **kwargs: Any) -> str:
    return django_reverse(name, urlconf="config.urls_public", kwargs=kwargs or None)


def public(user: Any | None = None) -> Client:
    client = Client(HTTP_HOST="localhost")
    if user is not None:
        client.force_login(user)
    return client


def _key(hand: dict[str, HandSchool], which: str) -> str:
    title = getattr(hand["A"], which).title
    return next(p.key for p in period_list() if p.title == title)


def _names() -> tuple[str, str]:
    from tenants.models import School

    a, b = (School.objects.get(schema_name=n) for n in ("school1", "school2"))
    return a.short_name or a.name, b.short_name or b.name


def test_class_results_by_school_hand_counted_rep1(hand_schools: dict[str, HandSchool]) -> None:
    a_name, b_name = _names()
    run = department_report(code=CLASS_RESULTS, data={"period": _key(hand_schools, "q2")})
    assert run.table is not None
    header = [c.text for c in run.table.header[0]]
    assert header[:3] == ["Школа", "Обучающихся (по предметам)", "«5»"]
    rows = {r[0]: r[1:-1] for r in run.table.text_rows()}
    # A: 7А maths 5 5 4 3 2 н/а, 7А Russian 5 4 4 4 3 3, 8А maths 5 5 5, 9А maths 4×5
    # = 20 pupils; «5» 6, «4» 9, «3» 3, «2» 1, н/а 1; success 18/20, quality 15/20,
    # average 77/19. B: 7А maths 4 4 4 3 3.
    assert rows == {
        a_name: ["20", "6", "9", "3", "1", "1", "90,0", "75,0", "4,05"],
        b_name: ["5", "0", "3", "2", "0", "0", "100,0", "60,0", "3,60"],
    }
    total = [str(v) for v in run.table.totals[0][:7]]
    assert total == ["Итого", "25", "6", "12", "5", "1", "1"]


def test_the_planted_small_grade_shows_no_figure_in_the_report_sec4(
    hand_schools: dict[str, HandSchool],
) -> None:
    run = department_report(
        code=CLASS_RESULTS, data={"period": _key(hand_schools, "q2"), "grade": "8"}
    )
    assert run.table is not None
    for line in [*run.table.rows, *run.table.totals]:
        assert set(line[1:-1]) == {"скрыто"}, line


def test_journal_keeping_ranks_schools_and_flags_overdue_marks_rep2(
    hand_schools: dict[str, HandSchool],
) -> None:
    a_name, b_name = _names()
    a = hand_schools["A"]
    with clock.on(ROLLUP_DAY):
        q2 = department_report(code=JOURNAL_KEEPING, data={"period": _key(hand_schools, "q2")})
        q1 = department_report(code=JOURNAL_KEEPING, data={"period": _key(hand_schools, "q1")})
    assert q2.table is not None and q1.table is not None
    # November: A's two lessons of 7А, one with a topic, one with homework, one with a mark;
    # B kept no lesson (no rate, no rank). Every period mark of the 2nd quarter is given.
    due = f"{a.q2.ends_on + dt.timedelta(days=7):%d.%m.%Y}"  # the regulation's default
    assert [r[:9] for r in q2.table.text_rows()] == [
        ["1", a_name, "2", "50,0", "50,0", "50,0", "0", due, "нет"],
        ["", b_name, "0", "—", "—", "—", "0", due, "нет"],
    ]
    # 1st quarter: A's Russian (6) and 8А's maths (3) have no period mark, B's maths (5):
    # after the last day (a week after the end) both schools are overdue.
    rows = {r[1]: r for r in q1.table.text_rows()}
    assert (rows[a_name][6], rows[a_name][8]) == ("9", "да")
    assert (rows[b_name][6], rows[b_name][8]) == ("5", "да")
    assert q1.table.summary == [("Школ с просроченными отметками за период", 2, "integer")]


def test_the_published_form_version_decides_the_columns_tpl3(
    hand_schools: dict[str, HandSchool],
) -> None:
    form = ReportForm.objects.get(code=CLASS_RESULTS, version=1)
    columns = [c for c in form.columns if c["key"] not in ("n5", "n4", "n3", "n2")]
    columns[0] = {**columns[0], "title": "Образовательная организация"}
    ReportForm.objects.create(
        code=form.code,
        version=2,
        title=form.title,
        requirement=form.requirement,
        row_kind=form.row_kind,
        parameters=form.parameters,
        columns=columns,
    )
    run = department_report(code=CLASS_RESULTS, data={"period": _key(hand_schools, "q2")})
    assert run.table is not None and run.form.version == 2
    assert [c.text for c in run.table.header[0]][:3] == [
        "Образовательная организация",
        "Обучающихся (по предметам)",
        "Не аттестовано",
    ]


def test_pages_pdf_and_xlsx_of_the_reports(
    hand_schools: dict[str, HandSchool], department_user: Any
) -> None:
    a_name, b_name = _names()
    client = public(department_user)
    listing = client.get(reverse("department:reports")).content.decode()
    assert "Итоги успеваемости по школам муниципалитета" in listing
    assert "Контроль ведения электронного журнала по школам" in listing
    query = f"?period={_key(hand_schools, 'q2')}"
    page = client.get(reverse("department:report", code=CLASS_RESULTS) + query)
    assert page.status_code == 200
    text = page.content.decode()
    assert a_name in text and "90,0" in text and "XLSX" in text
    xlsx = client.get(reverse("department:report-xlsx", code=CLASS_RESULTS) + query)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Итоги успеваемости по школам муниципалитета"
    by_school = {row[0]: row for row in values if row[0] in (a_name, b_name)}
    assert by_school[a_name][1:7] == (20, 6, 9, 3, 1, 1)
    assert by_school[a_name][7] == 90.0
    again = client.get(reverse("department:report-xlsx", code=CLASS_RESULTS) + query)
    assert again.content == xlsx.content  # reproducible from the same rollups
    pdf = client.get(reverse("department:report-pdf", code=JOURNAL_KEEPING) + query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    words = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Контроль ведения электронного журнала по школам" in words and a_name in words


def test_bad_parameters_are_russian_400s(
    hand_schools: dict[str, HandSchool], department_user: Any
) -> None:
    client = public(department_user)
    page = client.get(reverse("department:report", code=CLASS_RESULTS) + "?period=x&grade=99")
    assert page.status_code == 400
    text = page.content.decode()
    assert "Нет такого учебного периода" in text
    file = client.get(reverse("department:report-pdf", code=CLASS_RESULTS) + "?period=x")
    assert file.status_code == 400 and "Нет такого учебного периода" in file.content.decode()
    assert client.get(reverse("department:report", code="class-period-results")).status_code == 404


def test_reports_are_the_departments_only(
    hand_schools: dict[str, HandSchool], operator: Any
) -> None:
    from tests.web.conftest import signed_in

    for user in (operator, None):
        client = public(user)
        for name in ("department:report", "department:report-xlsx", "department:report-pdf"):
            response = client.get(reverse(name, code=CLASS_RESULTS))
            assert response.status_code == (404 if user else 302), name
    director = signed_in(hand_schools["A"].users["director"])
    assert director.get(f"/department/reports/{CLASS_RESULTS}/").status_code == 404
    # The department's forms are not among the school's reports.
    listing = director.get("/reports/").content.decode()
    assert "по школам муниципалитета" not in listing
