"""The department's dashboard (STAT-1, SEC-4): who may open it, and the sweep that finds no
pupil's name, no СНИЛС and no figure of the planted 3-pupil class (8А, the municipality's
only 8th grade) in any page, export or chart series."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from department.selectors import period_list
from django.test import Client
from django.urls import reverse as django_reverse
from openpyxl import load_workbook

from tests.department.schools import MARKER, SNILS, HandSchool


def reverse(name: str) -> str:
    return django_reverse(name, urlconf="config.urls_public")


def public(user: Any | None = None) -> Client:
    client = Client(HTTP_HOST="localhost")
    if user is not None:
        client.force_login(user)
    return client


URL_NAMES = [
    "department:overview",
    "department:table",
    "department:export-csv",
    "department:export-xlsx",
    "department:chart-trend",
    "department:chart-schools",
    "department:chart-distribution",
]
REPORT_CODES = ["department-class-results", "department-journal-keeping"]
REPORT_URLS = ["department:report", "department:report-xlsx", "department:report-pdf"]
API_PATHS = ["overview/", "table/", "charts/trend/", "charts/schools/", "charts/distribution/",
             "periods/", "reports/"]  # fmt: skip


def _queries() -> list[str]:
    periods = [p.key for p in period_list()]
    found = [""]
    for period in periods:
        for kind in ("marks", "months"):
            for group in (["school"], ["grade"], ["subject"], ["school", "grade"],
                          ["school", "grade", "subject"]):  # fmt: skip
                for grade in ("", "8"):
                    q = f"period={period}&kind={kind}&grade={grade}&" + "&".join(
                        f"group={g}" for g in group
                    )
                    found.append(q)
    return found


def _text(response: Any) -> str:
    if response["Content-Type"] == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    if response["Content-Type"].startswith("application/vnd.openxml"):
        book = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            ";".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return response.content.decode()


def test_department_user_opens_every_page_stat1(hand_schools: Any, department_user: Any) -> None:
    client = public(department_user)
    for name in URL_NAMES:
        assert client.get(reverse(name)).status_code == 200, name


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    for name in URL_NAMES:
        response = public().get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"], name


def test_operator_gets_404_on_department_pages(hand_schools: Any, operator: Any) -> None:
    client = public(operator)
    for name in URL_NAMES:
        assert client.get(reverse(name)).status_code == 404, name


def test_school_users_get_404_department_routes_do_not_exist_on_school_hosts(
    hand_schools: dict[str, HandSchool],
) -> None:
    from tests.web.conftest import signed_in

    client = signed_in(hand_schools["A"].users["director"])
    for path in ("/department/", "/department/table/", "/department/export.xlsx",
                 "/department/charts/trend.json"):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_department_user_gets_404_on_school_data_sec4(
    hand_schools: Any, department_user: Any
) -> None:
    """School routes are not on the public host; the public session is unknown on a school
    host (sessions live in each schema, cookies are host-only)."""
    client = public(department_user)
    for path in ("/journal/", "/reports/", "/api/v1/pupils/", "/api/v1/classes/", "/diary/"):
        assert client.get(path).status_code == 404, path
    school = Client(HTTP_HOST="school1.localhost")
    school.cookies = client.cookies
    response = school.get("/reports/")
    # Unknown here: an anonymous visitor, sent to sign in.
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert MARKER not in response.content.decode()


def test_sweep_finds_no_pupil_and_no_figure_of_the_small_class_sec4(
    hand_schools: Any, department_user: Any
) -> None:
    client = public(department_user)
    checked = 0
    for query in _queries():
        for name in URL_NAMES:
            response = client.get(f"{reverse(name)}?{query}")
            assert response.status_code == 200, (name, query)
            text = _text(response)
            assert MARKER not in text and SNILS not in text and "Секрет" not in text
            assert "112233" not in text.replace("-", "").replace(" ", "")
            if "grade=8" in query:
                _nothing_of_grade_8(name, text, query)
            checked += 1
    assert checked > 100


def test_sweep_of_reports_and_api_finds_no_pupil_and_no_small_class_figure_sec4(
    hand_schools: Any, department_user: Any
) -> None:
    """Every cross-school report (page, XLSX, PDF) and every API endpoint, for every period,
    with and without the grade filter on the planted 3-pupil grade."""
    client = public(department_user)
    checked = 0

    def check(response: Any, small: bool, what: str) -> None:
        nonlocal checked
        assert response.status_code == 200, what
        text = _text(response)
        assert MARKER not in text and SNILS not in text and "Секрет" not in text, what
        assert "112233" not in text.replace("-", "").replace(" ", ""), what
        if small:
            _nothing_of_grade_8_anywhere(what, response, text)
        checked += 1

    periods = [""] + [p.key for p in period_list()]
    for period in periods:
        for grade in ("", "8"):
            query = f"period={period}&grade={grade}"
            for code in REPORT_CODES:
                for name in REPORT_URLS:
                    url = django_reverse(name, urlconf="config.urls_public", kwargs={"code": code})
                    small = grade == "8" and code == "department-class-results"
                    check(client.get(f"{url}?{query}"), small, f"{name} {code} {query}")
                for fmt in ("", "xlsx/", "pdf/"):
                    url = f"/api/v1/department/reports/{code}/{fmt}?{query}"
                    check(client.get(url), grade == "8" and code.endswith("results"), url)
            for path in API_PATHS:
                for kind in ("marks", "months"):
                    url = f"/api/v1/department/{path}?{query}&kind={kind}&group=grade"
                    # the overview, the periods and the forms take no grade filter
                    filtered = path.startswith(("table/", "charts/"))
                    check(client.get(url), grade == "8" and filtered, url)
    assert checked > 100


def _nothing_of_grade_8_anywhere(what: str, response: Any, text: str) -> None:
    """No count of the 8th grade (3 pupils, all «5»): every figure is hidden or absent."""
    if response["Content-Type"].startswith("application/json"):
        data = json.loads(text)
        for row in [*data.get("rows", []), *([data["total"]] if data.get("total") else [])]:
            if isinstance(row, dict):
                assert row["suppressed"] and row["figures"] == {}, (what, row)
            else:  # a report's text row: the school, then its figures
                assert set(row[1:-1]) <= {"скрыто"}, (what, row)
        for series in data.get("datasets", []):
            assert all(v is None for v in series["data"]), (what, series)
        for figure in data.get("figures", []):
            if figure["title"] != "Школ":
                assert figure["value"] is None, (what, figure)
    elif response["Content-Type"].startswith("text/html"):
        table = text[text.index('id="report-table"') :]
        assert "скрыто" in table, what
        assert ">3<" not in table and "100,0" not in table and "5,00" not in table, what
    else:
        assert "скрыто" in text, what
        assert "100,0" not in text and "5,00" not in text, what


def _grade_8_has_rows(query: str) -> bool:
    """Whether the rollups hold any 8th-grade row for the query's period and kind."""
    from urllib.parse import parse_qs

    from department.models import MonthRollup, PeriodRollup

    q = parse_qs(query)
    period = next(p for p in period_list() if p.key == q["period"][0])
    if q.get("kind") == ["months"]:
        months = MonthRollup.objects.filter(
            grade=8, month__gte=period.starts_on.replace(day=1), month__lte=period.ends_on
        )
        return months.exists()
    return PeriodRollup.objects.filter(period_key=period.key, grade=8).exists()


def _nothing_of_grade_8(name: str, text: str, query: str) -> None:
    """With the grade filter on 8 (one class of 3 pupils), no figure at all."""
    if name.startswith("department:chart"):
        data = json.loads(text)
        assert all(v is None for s in data["datasets"] for v in s["data"]), (name, data)
    elif name == "department:export-csv":
        lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        labels = sum(1 for h in lines[0] if h in ("Школа", "Параллель", "Предмет"))
        for cells in lines[1:]:
            assert set(cells[labels:-1]) <= {"скрыто"}, cells
    elif name == "department:export-xlsx":
        for line in text.splitlines()[1:]:
            assert "скрыто" in line, line
    elif name == "department:table":
        # Rows of the 3-pupil grade are there, suppressed; a period without them, none.
        if _grade_8_has_rows(query):
            assert "скрыто" in text and "Нет данных" not in text, query
        else:
            assert "Нет данных для этих условий." in text and "скрыто" not in text, query
        assert "<td>3</td>" not in text and "<td>5.00</td>" not in text and "100.0" not in text


def test_table_filters_and_sorting(hand_schools: Any, department_user: Any) -> None:
    period = next(p for p in period_list() if p.title == hand_schools["A"].q2.title).key
    client = public(department_user)
    response = client.get(
        reverse("department:table"),
        {"period": period, "grade": "7", "group": ["school"], "sort": "-success_rate",
         "subject": "Математика"},
    )  # fmt: skip
    body = response.content.decode()
    # Гимназия № 2 (100,0) before СОШ № 1 (66,7)
    assert body.index("Гимназия № 2") < body.index("СОШ № 1", body.index("department-table"))


def test_xlsx_is_what_the_table_shows(hand_schools: Any, department_user: Any) -> None:
    period = next(p for p in period_list() if p.title == hand_schools["A"].q2.title).key
    client = public(department_user)
    query = {"period": period, "grade": "7", "group": ["school"], "subject": "Математика"}
    book = load_workbook(io.BytesIO(client.get(reverse("department:export-xlsx"), query).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Школа", "Обучающихся (по предметам)", "Успеваемость, %", "Качество, %")
    assert [r[:4] for r in rows[1:]] == [
        ("Гимназия № 2", 5, 100.0, 60.0),
        ("СОШ № 1", 6, 66.7, 50.0),
        ("Итого", 11, 81.8, 54.5),
    ]


@pytest.mark.parametrize("name", ["department:overview"])
def test_overview_compares_with_the_previous_period(
    hand_schools: Any, department_user: Any, name: str
) -> None:
    period = next(p for p in period_list() if p.title == hand_schools["A"].q2.title).key
    body = public(department_user).get(reverse(name), {"period": period}).content.decode()
    assert "Успеваемость" in body and "было" in body and "данные на" in body


def test_table_and_export_read_a_fixed_number_of_queries(
    hand_schools: Any, department_user: Any, django_assert_max_num_queries: Any
) -> None:
    client = public(department_user)
    client.get(reverse("department:table"))  # the session and the user are loaded once
    for name in ("department:table", "department:export-xlsx", "department:chart-schools"):
        with django_assert_max_num_queries(12):
            assert (
                client.get(reverse(name), {"group": ["school", "grade", "subject"]}).status_code
                == 200
            )
