"""The department's read-only API (issue #13, STAT-1, SEC-4): the department role only,
the same figures and suppression as the pages, Russian 400s, a fixed number of queries."""

from __future__ import annotations

import io
from typing import Any

from department.reports import CLASS_RESULTS, JOURNAL_KEEPING
from department.selectors import period_list
from django.test import Client
from openpyxl import load_workbook

from tests.department.schools import HandSchool

API = "/api/v1/department/"
ENDPOINTS = [
    "periods/",
    "overview/",
    "table/",
    "charts/trend/",
    "charts/schools/",
    "charts/distribution/",
    "reports/",
    f"reports/{CLASS_RESULTS}/",
    f"reports/{CLASS_RESULTS}/xlsx/",
    f"reports/{CLASS_RESULTS}/pdf/",
    f"reports/{JOURNAL_KEEPING}/",
    f"reports/{JOURNAL_KEEPING}/xlsx/",
]


def public(user: Any | None = None) -> Client:
    client = Client(HTTP_HOST="localhost")
    if user is not None:
        client.force_login(user)
    return client


def _q2(hand: dict[str, HandSchool]) -> str:
    return next(p.key for p in period_list() if p.title == hand["A"].q2.title)


def test_department_user_reads_every_endpoint_stat1(
    hand_schools: dict[str, HandSchool], department_user: Any
) -> None:
    client = public(department_user)
    for path in ENDPOINTS:
        response = client.get(API + path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path


def test_operator_anonymous_and_school_users_get_nothing_sec4(
    hand_schools: dict[str, HandSchool], operator: Any
) -> None:
    from tests.web.conftest import signed_in

    for path in ENDPOINTS:
        assert public(operator).get(API + path).status_code == 403, path
        assert public().get(API + path).status_code in (401, 403), path
    director = signed_in(hand_schools["A"].users["director"])
    for path in ENDPOINTS:
        assert director.get(API + path).status_code == 404, path


def test_table_api_gives_the_figures_of_the_page(
    hand_schools: dict[str, HandSchool], department_user: Any
) -> None:
    query = {
        "period": _q2(hand_schools),
        "grade": "7",
        "subject": "Математика",
        "group": "school",
        "sort": "-success_rate",
    }
    body = public(department_user).get(API + "table/", query).json()
    assert body["k"] == 5 and body["kind"] == "marks" and body["group"] == ["school"]
    rows = [(r["labels"]["school"], r["figures"]["pupils"], r["figures"]["success_rate"])
            for r in body["rows"]]  # fmt: skip
    assert rows == [("Гимназия № 2", 5, 100.0), ("СОШ № 1", 6, 66.7)]
    assert (body["total"]["figures"]["pupils"], body["total"]["figures"]["quality_rate"]) == (
        11,
        54.5,
    )


def test_the_small_grade_is_suppressed_in_the_api_sec4(
    hand_schools: dict[str, HandSchool], department_user: Any
) -> None:
    body = (
        public(department_user)
        .get(API + "table/", {"period": _q2(hand_schools), "grade": "8", "group": "grade"})
        .json()
    )
    assert [(r["suppressed"], r["figures"]) for r in body["rows"]] == [(True, {})]
    chart = public(department_user).get(API + "charts/distribution/", {"grade": "8"}).json()
    assert chart["datasets"][0]["data"] == [None, None, None, None]


def test_bad_filters_are_400_with_field_errors(
    hand_schools: dict[str, HandSchool], department_user: Any
) -> None:
    client = public(department_user)
    response = client.get(API + "table/", {"period": "nope", "grade": "12", "kind": "x"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["period"] == ["Нет такого учебного периода в сводных показателях."]
    assert set(errors) == {"period", "grade", "kind"}
    report = client.get(API + f"reports/{CLASS_RESULTS}/", {"period": "nope"})
    assert report.status_code == 400
    assert report.json()["errors"]["period"] == [
        "Нет такого учебного периода в сводных показателях."
    ]
    assert client.get(API + "charts/pie/").status_code == 404
    assert client.get(API + "reports/class-period-results/").status_code == 404


def test_report_api_rows_and_xlsx(
    hand_schools: dict[str, HandSchool], department_user: Any
) -> None:
    client = public(department_user)
    body = client.get(API + f"reports/{CLASS_RESULTS}/", {"period": _q2(hand_schools)}).json()
    assert body["form"]["code"] == CLASS_RESULTS and body["form"]["version"] == 1
    assert [c["text"] for c in body["header"][0]][:2] == ["Школа", "Обучающихся (по предметам)"]
    assert {r[0]: r[1] for r in body["rows"]} == {"СОШ № 1": "20", "Гимназия № 2": "5"}
    xlsx = client.get(API + f"reports/{CLASS_RESULTS}/xlsx/", {"period": _q2(hand_schools)})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet["A1"].value == "Итоги успеваемости по школам муниципалитета"


def test_endpoints_read_a_fixed_number_of_queries(
    hand_schools: dict[str, HandSchool], department_user: Any, django_assert_max_num_queries: Any
) -> None:
    client = public(department_user)
    client.get(API + "periods/")
    for path in ("table/", "charts/schools/", f"reports/{CLASS_RESULTS}/"):
        with django_assert_max_num_queries(14):
            assert client.get(API + path, {"group": ["school", "grade"]}).status_code == 200
