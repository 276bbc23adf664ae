"""The reports' API (issue #12; REP-1, REP-3, REP-5, TPL-3, ROLE-4): the forms a user may
open, a report as JSON rows equal to the page's, PDF and XLSX files, parameter errors by
field (400), ids of nothing here (404). Hand-built 5В (tests/journal/reports_school.py)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from journal.audit.models import AccessLog
from journal.reports.models import GeneratedReport
from tests.journal.reports_school import ReportsSchool, build_reports_school, in_period_end
from tests.world import World

CODE = "class-period-results"


@pytest.fixture
def school(world: World) -> Any:
    with in_period_end(world):
        with schema_context("school1"):
            built = build_reports_school(world)
        yield built


def _query(school: ReportsSchool, code: str = CODE, **extra: Any) -> str:
    query = {
        "form": code,
        "class_group_id": school.class_group.pk,
        "period_id": school.period.pk,
        **extra,
    }
    return "&".join(f"{k}={v}" for k, v in query.items())


def test_form_list_names_parameters_by_type_and_hides_school_reports_from_teachers_tpl3(
    school: ReportsSchool,
) -> None:
    deputy = school.world.client("deputy").get("/api/v1/reports/forms/")
    assert deputy.status_code == 200
    forms = {f["code"]: f for f in deputy.json()}
    assert {"class-period-results", "class-sizes", "journal-paper-copy"} <= set(forms)
    assert {p["name"] for p in forms[CODE]["parameters"]} >= {"class_group_id", "period_id"}
    assert forms["journal-paper-copy"]["formats"] == ["pdf"]
    assert forms["journal-paper-copy"]["table"] is False
    teacher = school.world.client("teacher").get("/api/v1/reports/forms/")
    codes = {f["code"] for f in teacher.json()}
    assert CODE in codes and "class-sizes" not in codes and "pupil-movement" not in codes


def test_run_returns_the_rows_the_page_shows_rep1(school: ReportsSchool) -> None:
    response = school.world.client("deputy").get(f"/api/v1/reports/run/?{_query(school)}")
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["code"] == CODE and body["version"] >= 1
    assert body["parameters"]["class_group"] == school.class_group.pk
    math = next(r for r in body["rows"] if r[0] == "Математика")
    # Hand-counted (tests/journal/reports_school.py): 6 counted pupils, one «2», one «н/а»:
    # success 4/6 = 66,7 %; the average of 5, 4, 3, 2, 4 = 3,60.
    assert "66,7" in math and "3,60" in math
    assert len(body["types"]) == len(math)
    assert body["header"][0][0]["text"]
    with schema_context("school1"):
        assert AccessLog.objects.filter(action="read", what=f"reports.{CODE}").exists()


def test_malformed_parameters_are_400_by_field_and_foreign_ids_404(
    school: ReportsSchool,
) -> None:
    client = school.world.client("deputy")
    bad = client.get(f"/api/v1/reports/run/?form={CODE}&class_group_id=abc")
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert "class_group_id" in errors and "period_id" in errors  # malformed and missing
    missing = client.get(f"/api/v1/reports/run/?{_query(school, class_group_id=987654)}")
    assert missing.status_code == 404
    month = client.get(
        f"/api/v1/reports/run/?form=class-attendance-monthly"
        f"&class_group_id={school.class_group.pk}&month=2026-13"
    )
    assert month.status_code == 400 and list(month.json()["errors"]) == ["month"]
    assert client.get("/api/v1/reports/run/?form=no-such-form").status_code == 404
    pdf = client.get(f"/api/v1/reports/pdf/?form={CODE}&period_id=x")
    assert pdf.status_code == 400 and "period_id" in pdf.json()["errors"]


def test_pdf_and_xlsx_downloads_are_recorded_and_logged_rep5_role4(
    school: ReportsSchool,
) -> None:
    client = school.world.client("deputy")
    pdf = client.get(f"/api/v1/reports/pdf/?{_query(school)}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Математика" in text and "66,7" in text
    xlsx = client.get(f"/api/v1/reports/xlsx/?{_query(school)}")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "Математика" in values
    with schema_context("school1"):
        made = list(GeneratedReport.objects.order_by("id").values_list("format", "sha256"))
        assert made == [("pdf", pdf["X-Report-SHA256"]), ("xlsx", xlsx["X-Report-SHA256"])]
        assert AccessLog.objects.filter(action="export", what=f"reports.{CODE}").count() == 2


def test_paper_copy_is_a_pdf_only_and_a_teacher_gets_only_their_subject_rep3(
    school: ReportsSchool,
) -> None:
    teacher = school.world.client("teacher")
    pdf = teacher.get(f"/api/v1/reports/pdf/?{_query(school, 'journal-paper-copy')}")
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Математика" in text and "Русский язык" not in text
    assert (
        teacher.get(f"/api/v1/reports/xlsx/?{_query(school, 'journal-paper-copy')}").status_code
        == 404
    )
    assert (
        teacher.get(f"/api/v1/reports/run/?{_query(school, 'journal-paper-copy')}").status_code
        == 404
    )
    # The school-wide reports are not a teacher's (ROLE-1).
    sizes = teacher.get("/api/v1/reports/run/?form=class-sizes")
    assert sizes.status_code == 404


def test_jobs_over_the_api_start_once_show_progress_and_serve_their_files(
    school: ReportsSchool,
) -> None:
    from journal.reports.jobs import report_job_run

    client = school.world.client("deputy")
    body = {"kind": "paper_copies", "period_id": school.period.pk}
    first = client.post("/api/v1/reports/jobs/create/", body, format="json")
    assert first.status_code == 201, first.content[:300]
    job = first.json()
    assert job["state"] == "queued" and job["done"] == 0 and job["total"] >= 3
    again = client.post("/api/v1/reports/jobs/create/", body, format="json")
    assert again.status_code == 200 and again.json()["id"] == job["id"]
    with schema_context("school1"):
        report_job_run(job_id=job["id"])
    detail = client.get(f"/api/v1/reports/jobs/{job['id']}/").json()
    assert detail["state"] == "done" and detail["percent"] == 100
    titles = {f["title"]: f for f in detail["files"]}
    assert "5В.pdf" in titles  # the hand-built class
    got = client.get(titles["5В.pdf"]["url"])
    assert got.status_code == 200 and got["X-Report-SHA256"] == titles["5В.pdf"]["sha256"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(got.content)).pages)
    assert "Алексеев" in text and "Класс 5В" in text
    bad = client.post("/api/v1/reports/jobs/create/", {"kind": "paper_copies"}, format="json")
    assert bad.status_code == 400 and "period_id" in bad.json()["errors"]
    foreign = client.post(
        "/api/v1/reports/jobs/create/", {"kind": "paper_copies", "period_id": 987654}, "json"
    )
    assert foreign.status_code == 404
