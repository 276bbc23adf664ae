"""Browser: the deputy reads the summary progress sheet of a class, downloads its PDF and XLSX,
then starts the whole school's paper copies and follows the progress bar to the download
(issue #12; REP-1, REP-3, REP-5). The job runs in a real Celery worker (a thread, on the
real broker), sent through the outbox when the request commits."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

SLUG = "brs-reports"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


@pytest.fixture
def report_worker(request: Any) -> Iterator[Any]:
    import journal.reports.tasks  # noqa: F401 - registered before the worker starts

    yield request.getfixturevalue("celery_worker_thread")


def _period_mark(world: Any) -> None:
    from django_tenants.utils import schema_context

    from journal.register.models import PeriodMark

    with schema_context(SCHEMA):
        PeriodMark.objects.create(
            pupil=world.pupils[0],
            assignment=world.math5a,
            period=world.period,
            kind="period",
            value="4",
            entered_by=world.users["teacher"],
        )


def _pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_deputy_reads_and_downloads_the_summary_sheet_then_the_school_paper_copies(
    page: Any,
    url: Any,
    screenshot: Any,
    journal_school: Any,
    committed: Any,
    sign_in: Any,
    report_worker: Any,
) -> None:
    world = journal_school(SLUG)
    committed(lambda: _period_mark(world))
    pupil = world.pupils[0].user.last_name
    sign_in(page, HOST, world.users["deputy"])

    page.goto(url(HOST, "/reports/"))
    page.get_by_role("link", name="Сводная ведомость учёта успеваемости").click()
    page.get_by_label("Класс").select_option(label="5А")
    page.get_by_label("Учебный год").select_option(label=world.year.title)
    page.get_by_role("button", name="Сформировать").click()
    table = page.locator("table").filter(has_text=pupil)
    table.wait_for()
    assert world.period.title in page.content()  # the quarter's column
    row = table.locator("tr", has_text=pupil).first.inner_text()
    assert "4" in row
    screenshot(page, "reports-summary-sheet")

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Скачать PDF").click()
    text = _pdf_text(Path(pdf_download.value.path()))
    assert "Сводная ведомость" in text and pupil in text and "5А" in text
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Скачать XLSX").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    assert sheet is not None
    rows = [[c for c in r if c is not None] for r in sheet.iter_rows(values_only=True)]
    pupil_row = next(r for r in rows if r and pupil in str(r[0]))
    assert 4 in pupil_row  # the period mark, a number in the sheet

    page.goto(url(HOST, "/reports/"))
    page.locator("#job-period").select_option(value=str(world.period.pk))
    page.get_by_role("button", name="Сформировать бумажные копии всех классов").click()
    card = page.locator(".report-job").first
    card.wait_for()
    assert card.locator("progress").count() == 1
    # The card polls every second; the worker makes one PDF per class, then the links.
    card = page.locator(".report-job[data-state='done']").first
    card.wait_for(timeout=90_000)
    assert card.locator("progress").get_attribute("value") == card.locator(
        "progress"
    ).get_attribute("max")
    screenshot(page, "reports-paper-copies-done")
    with page.expect_download() as copy_download:
        card.get_by_role("link", name="5А.pdf").click()
    copy = _pdf_text(Path(copy_download.value.path()))
    assert "Класс 5А" in copy and pupil in copy and "Математика" in copy
