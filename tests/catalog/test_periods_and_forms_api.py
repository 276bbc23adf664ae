"""TPL-2, TPL-3: reporting-period schemes with calendars; report-form definitions."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.models import PeriodCalendar, PeriodScheme, ReportForm
from catalog.seed import REPORT_FORMS
from tests.catalog.conftest import school_client

SCHEMES = "/api/v1/catalog/period-schemes/"
FORMS = "/api/v1/catalog/report-forms/"

HALF_YEARS = [
    {"grades_from": 1, "grades_to": 4, "kind": "quarter"},
    {"grades_from": 5, "grades_to": 11, "kind": "half_year"},
]


def test_seeded_schemes_are_listed_with_their_calendars(department_client: Any) -> None:
    response = department_client.get(SCHEMES)
    assert response.status_code == 200
    schemes = {s["code"]: s for s in response.json()}
    assert set(schemes) == {"quarters", "quarters-half-years", "trimesters"}
    assert schemes["quarters-half-years"]["is_default"] is True
    calendar = schemes["trimesters"]["calendars"][0]
    assert calendar["start_year"] == 2026 and len(calendar["periods"]["trimester"]) == 3
    assert any("Зимние" in h["title"] for h in calendar["holidays"])


def test_operator_creates_a_scheme_and_sets_a_years_dates(operator_client: Any) -> None:
    response = operator_client.post(
        SCHEMES,
        {"code": "mixed", "title": "Четверти 1–4, полугодия 5–11", "bands": HALF_YEARS},
        format="json",
    )
    assert response.status_code == 201, response.json()
    scheme_id = response.json()["id"]
    periods = {
        "quarter": [
            {"start": "2026-09-01", "end": "2026-10-23"},
            {"start": "2026-11-05", "end": "2026-12-25"},
            {"start": "2027-01-11", "end": "2027-03-19"},
            {"start": "2027-03-29", "end": "2027-05-26"},
        ],
        "half_year": [
            {"start": "2026-09-01", "end": "2026-12-25"},
            {"start": "2027-01-11", "end": "2027-05-26"},
        ],
    }
    url = f"{SCHEMES}{scheme_id}/calendars/"
    response = operator_client.post(url, {"start_year": 2026, "periods": periods}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["calendars"][0]["periods"] == periods
    # Without the half-years the scheme uses: named, nothing saved.
    response = operator_client.post(
        url, {"start_year": 2027, "periods": {"quarter": periods["quarter"]}}, format="json"
    )
    assert response.status_code == 400
    assert {"periods.half_year", "periods.quarter.0"} <= set(response.json()["errors"])
    assert not PeriodCalendar.objects.filter(scheme_id=scheme_id, start_year=2027).exists()


@pytest.mark.parametrize(
    ("bands", "field"),
    [
        ([{"grades_from": 1, "grades_to": 12, "kind": "quarter"}], "bands.0.grades_to"),
        ([{"grades_from": 1, "grades_to": 9, "kind": "month"}], "bands.0.kind"),
        (
            [
                {"grades_from": 1, "grades_to": 9, "kind": "quarter"},
                {"grades_from": 5, "grades_to": 11, "kind": "year"},
            ],
            "bands.1",
        ),
        ([], "bands"),
    ],
)
def test_bad_scheme_is_refused_and_nothing_saved(
    operator_client: Any, bands: Any, field: str
) -> None:
    response = operator_client.post(
        SCHEMES, {"code": "bad", "title": "x", "bands": bands}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not PeriodScheme.objects.filter(code="bad").exists()


def test_seeded_report_forms_cover_rep1_and_rep2(department_client: Any) -> None:
    response = department_client.get(FORMS)
    assert response.status_code == 200
    codes = {f["code"]: f for f in response.json()}
    assert set(codes) == {f["code"] for f in REPORT_FORMS}
    assert codes["summary-progress-sheet"]["title"].startswith(
        "Сводная ведомость учёта успеваемости"
    )
    assert {"pupils_without_marks", "pupils_one_mark", "homework_recorded"} <= {
        c["key"] for c in codes["journal-keeping-control"]["columns"]
    }


def test_a_new_report_form_version_keeps_the_old_one(operator_client: Any) -> None:
    payload = {
        "code": "class-sizes",
        "title": "Наполняемость классов",
        "row_kind": "class_group",
        "parameters": [{"name": "academic_year", "title": "Учебный год", "type": "academic_year"}],
        "columns": [{"key": "class_group", "title": "Класс", "type": "string"}],
    }
    response = operator_client.post(FORMS, payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 2
    latest = {f["code"]: f["version"] for f in operator_client.get(FORMS).json()}
    assert latest["class-sizes"] == 2
    assert ReportForm.objects.filter(code="class-sizes").count() == 2
    assert len(operator_client.get(f"{FORMS}?all=1").json()) == len(REPORT_FORMS) + 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"row_kind": "galaxy"}, "row_kind"),
        ({"columns": []}, "columns"),
        ({"columns": [{"key": "a", "title": "A", "type": "money"}]}, "columns.0.type"),
        ({"columns": [{"key": "a", "title": "A", "type": "string"}] * 2}, "columns"),
        ({"parameters": [{"name": "p", "title": "P", "type": "planet"}]}, "parameters.0.type"),
    ],
)
def test_bad_report_form_is_refused(
    operator_client: Any, changes: dict[str, Any], field: str
) -> None:
    payload = {
        "code": "new-form",
        "title": "Новый отчёт",
        "row_kind": "pupil",
        "columns": [{"key": "pupil", "title": "Обучающийся", "type": "string"}],
        **changes,
    }
    response = operator_client.post(FORMS, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not ReportForm.objects.filter(code="new-form").exists()


def test_department_and_schools_cannot_write_schemes_or_forms(
    department_client: Any, school1: Any
) -> None:
    scheme = {"code": "dept", "title": "x", "bands": HALF_YEARS}
    form = {
        "code": "dept",
        "title": "x",
        "row_kind": "pupil",
        "columns": [{"key": "a", "title": "A", "type": "string"}],
    }
    assert department_client.post(SCHEMES, scheme, format="json").status_code == 403
    assert department_client.post(FORMS, form, format="json").status_code == 403
    scheme_id = PeriodScheme.objects.get(code="quarters").pk
    assert (
        department_client.post(f"{SCHEMES}{scheme_id}/calendars/", {}, format="json").status_code
        == 403
    )
    client = school_client("school1")
    assert client.post(SCHEMES, scheme, format="json").status_code == 404
    assert client.get(FORMS).status_code == 404
    assert not PeriodScheme.objects.filter(code="dept").exists()
    assert not ReportForm.objects.filter(code="dept").exists()


def test_anonymous_cannot_read_the_catalog(public_client: Any) -> None:
    assert public_client.get(SCHEMES).status_code == 403
    assert public_client.get(FORMS).status_code == 403
