"""REP-5 / REP-3: one computed report as PDF and XLSX, recorded with its provenance and made
again byte for byte; the paper copy of the class journal (hand-built 5В)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from journal.audit.models import AccessLog
from journal.reports.layout import display
from journal.reports.selectors import report_run
from journal.reports.services import generated_report_remake, report_file_create
from tests.journal.reports_school import ReportsSchool, build_reports_school, in_period_end
from tests.world import World

CODE = "class-period-results"


@pytest.fixture
def school(world: World) -> Any:
    with in_period_end(world), schema_context("school1"):
        yield build_reports_school(world)


def _data(school: ReportsSchool) -> dict[str, Any]:
    return {"class_group": school.class_group.pk, "period": school.period.pk}


def _pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_rows_signatures_sheet_numbers_and_is_recorded_rep5(school: ReportsSchool) -> None:
    with schema_context("school1"):
        report = report_file_create(
            code=CODE, data=_data(school), fmt="pdf", by=school.users["deputy"]
        )
        content = bytes(report.content)
        assert content.startswith(b"%PDF")
        assert report.form_code == CODE and report.form_version >= 1 and report.form_id
        assert report.parameters == {
            "academic_year": school.world.year.pk,
            "period": school.period.pk,
            "class_group": school.class_group.pk,
        }
        assert report.data_at is not None and len(report.sha256) == 64
        pages, text = _pdf_text(content)
        assert pages == 1
        for expected in (
            "Итоги успеваемости класса",
            "Математика",
            "66,7",
            "3,60",
            "Директор",
            "Класс 5В",
            f"лист 1 из {pages}",
            "С одной «3»",
        ):
            assert expected in text, expected
        log = AccessLog.objects.filter(what=f"reports.{CODE}", action="export").get()
        assert log.details["generated_report_id"] == report.pk
        assert len(log.pupil_ids) == 6
        # The same data, the same version and parameters: the same bytes.
        again = generated_report_remake(report=report, for_user=school.users["deputy"])
        assert again == content


def test_xlsx_reread_equals_the_html_rows_and_is_reproducible(school: ReportsSchool) -> None:
    with schema_context("school1"):
        run = report_run(code=CODE, data=_data(school), for_user=school.users["deputy"])
        report = report_file_create(
            code=CODE, data=_data(school), fmt="xlsx", by=school.users["deputy"]
        )
        assert generated_report_remake(report=report, for_user=school.users["deputy"]) == bytes(
            report.content
        )
    assert run.table is not None
    book = openpyxl.load_workbook(io.BytesIO(bytes(report.content)))
    sheet = book.active
    assert sheet is not None
    header_row = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == "Предмет")
    assert sheet.freeze_panes == f"B{header_row + 1}"
    assert sheet.page_setup.orientation == "landscape"
    body = []
    for r in range(header_row + 1, header_row + 1 + len(run.table.rows)):
        cells = [sheet.cell(row=r, column=c + 1) for c in range(run.table.width)]
        body.append(
            [
                display(_decimal(cell.value, kind), kind)
                for cell, kind in zip(cells, run.table.types, strict=True)
            ]
        )
    assert body == run.table.text_rows()
    assert sheet.cell(row=header_row + 1, column=9).number_format == "0.0"


def _decimal(value: Any, kind: str) -> Any:
    from decimal import Decimal

    # A whole number is stored as one (50.0 reads back as 50): the cell's format shows 50,0.
    if isinstance(value, (int, float)) and kind == "percent":
        return Decimal(f"{value:.1f}")
    if isinstance(value, (int, float)) and kind == "decimal":
        return Decimal(f"{value:.2f}")
    return value


def test_summary_sheet_xlsx_merges_header_cells_like_the_paper_form(school: ReportsSchool) -> None:
    data = {"class_group": school.class_group.pk, "academic_year": school.world.year.pk}
    with schema_context("school1"):
        report = report_file_create(
            code="summary-progress-sheet", data=data, fmt="xlsx", by=school.users["deputy"]
        )
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(report.content))).active
    assert sheet is not None
    merged = [str(r) for r in sheet.merged_cells.ranges]
    assert len(merged) >= 3 + 3 + 1  # three subjects, their «за период», the pupil's column


def test_paper_copy_pdf_pupils_lessons_corrections_and_seal_rep3(school: ReportsSchool) -> None:
    data = {"class_group": school.class_group.pk, "period": school.period.pk}
    with schema_context("school1"):
        report = report_file_create(
            code="journal-paper-copy", data=data, fmt="pdf", by=school.users["class_teacher"]
        )
        assert report.form_version == 0 and report.form_id is None
        again = generated_report_remake(report=report, for_user=school.users["class_teacher"])
    content = bytes(report.content)
    assert again == content
    pages, text = _pdf_text(content)
    assert pages >= 4  # three subjects and the final page
    assert f"лист {pages} из {pages}" in text
    for name in ("Алексеев Иван", "Григорьев Иван", "Егоров Иван", "Жуков Иван"):
        assert name in text, name
    for expected in (
        "Дроби",
        "№ 12, 14",
        "Контрольная работа № 1",
        "М.П.",
        "Директор",
        "Копия классного журнала верна",
        "2 → 3 (ошибка)",
    ):
        assert expected in text, expected
    grid_line = next(line for line in text.splitlines() if line.startswith("4 Григорьев"))
    # № 4, absent (Б) on the first lesson, the «2» corrected to «3», the weighted average of
    # the effective marks, the period mark «2».
    assert grid_line == "4 Григорьев Иван Б 3* 3,00 2"


def test_a_subject_teacher_cannot_copy_another_teachers_subject(school: ReportsSchool) -> None:
    from django.http import Http404

    data = {
        "class_group": school.class_group.pk,
        "period": school.period.pk,
        "subject": school.world.russian.pk,
    }
    with schema_context("school1"), pytest.raises(Http404):
        report_file_create(
            code="journal-paper-copy", data=data, fmt="pdf", by=school.users["teacher"]
        )
