"""The class teacher's report pages (issue #12): the class summary's PDF and XLSX (REP-6),
the fortnightly report for every parent (DIA-5), the printouts for parents without
electronic access (DIA-3). The class's class teacher and the heads; another teacher and
another school's director get 404."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from pypdf import PdfReader

from journal.audit.models import AccessLog
from journal.reports.printouts import parent_printouts_make
from journal.roster import services as roster
from journal.roster.models import Guardian
from tests.journal.reports_school import ReportsSchool, build_reports_school, in_period_end
from tests.web.conftest import signed_in
from tests.world import World


@pytest.fixture
def school(world: World) -> Any:
    with in_period_end(world):
        with schema_context("school1"):
            built = build_reports_school(world)
        yield built


def _url(name: str, **query: Any) -> str:
    with schema_context("school1"):
        base = reverse(name)
    return base + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_class_teacher_downloads_the_summary_as_pdf_and_xlsx(school: ReportsSchool) -> None:
    """REP-6: the same rows as the summary page, in both files."""
    client = signed_in(school.users["class_teacher"])
    query = {"class": school.class_group.pk, "period": school.period.pk}
    page = client.get(_url("web:class-summary", **query))
    assert page.status_code == 200
    assert "format=pdf" in page.content.decode()
    pdf = client.get(_url("web:class-summary-download", format="pdf", **query))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    # The six pupils on the list (Жуков left for 5Б and is not shown), the signatures.
    for name in ("Алексеев", "Борисов", "Васильев", "Григорьев", "Дмитриев", "Егоров"):
        assert name in text
    assert "Директор" in text
    xlsx = client.get(_url("web:class-summary-download", format="xlsx", **query))
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {
        str(r[0]).split(" ")[0]: r
        for r in ws.iter_rows(values_only=True)
        if r[0] and str(r[0]).split(" ")[0] in ("Алексеев", "Григорьев", "Васильев")
    }
    # Алексеев: mathematics «5»×1 and «4»×3 → (5 + 12) / 4 = 4,25; no «2», no absences.
    assert rows["Алексеев"][1] == 4.25
    assert list(rows["Алексеев"][-4:]) == [0, 0, 0, 0]
    # Григорьев: «2» corrected to «3» → 3; absent «Б» once (with reason).
    assert rows["Григорьев"][1] == 3
    assert list(rows["Григорьев"][-4:]) == [0, 1, 0, 0]
    # Васильев: «Н» once.
    assert list(rows["Васильев"][-4:]) == [0, 0, 1, 0]
    with schema_context("school1"):
        assert AccessLog.objects.filter(what="reports.class-progress-attendance").count() == 2


def test_fortnightly_report_has_a_page_per_pupil(school: ReportsSchool) -> None:
    """DIA-5: every pupil of the class on the day, one page each."""
    second = school.lessons[1]
    client = signed_in(school.users["class_teacher"])
    response = client.get(
        _url("web:class-parent-reports", **{"class": school.class_group.pk, "on": second.date})
    )
    assert response.status_code == 200
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]
    assert len(pages) == 6
    first = next(p for p in pages if "Алексеев" in p)
    assert f"4 ({second.date:%d.%m})" in first and "№ 20" in first
    assert "Классный руководитель" in first


def test_printouts_are_listed_and_downloaded_by_the_class_teacher(school: ReportsSchool) -> None:
    first = school.lessons[0]
    with schema_context("school1"):
        guardian = roster.guardian_create(
            last_name="Алексеева",
            first_name="Мать",
            declined_electronic_access=True,
            by=school.users["secretary"],
        )
        roster.guardian_link_create(
            guardian=guardian,
            pupil=school.pupils["Алексеев"],
            relation="mother",
            by=school.users["secretary"],
        )
        monday = first.date.toordinal() - first.date.weekday()
        (made,) = [
            p
            for p in parent_printouts_make(on=dt.date.fromordinal(monday + 7))
            if p.class_group_id == school.class_group.pk
        ]
    client = signed_in(school.users["class_teacher"])
    listing = client.get(_url("web:class-printouts", **{"class": school.class_group.pk}))
    assert listing.status_code == 200
    assert f'data-printout="{made.pk}"' in listing.content.decode()
    with schema_context("school1"):
        url = reverse("web:class-printout-download", kwargs={"printout_id": made.pk})
    assert client.get(url).content == bytes(made.content)
    assert signed_in(school.users["teacher"]).get(url).status_code == 404


def test_parents_page_records_declined_electronic_access(world: World) -> None:
    client = signed_in(world.users["secretary"])
    with schema_context("school1"):
        url = reverse("web:manage-parents")
    response = client.post(
        url, {"last_name": "Бумажная", "first_name": "Анна", "declined_electronic_access": "on"}
    )
    assert response.status_code == 302
    with schema_context("school1"):
        assert Guardian.objects.get(user__last_name="Бумажная").declined_electronic_access


def test_another_teacher_and_another_school_get_404(
    school: ReportsSchool, school2_director: Any
) -> None:
    query = {"class": school.class_group.pk, "period": school.period.pk, "format": "pdf"}
    for client in (signed_in(school.users["teacher"]), signed_in(school2_director, "school2")):
        assert client.get(_url("web:class-summary-download", **query)).status_code == 404
        assert client.get(_url("web:class-parent-reports", **query)).status_code == 404
        assert client.get(_url("web:class-printouts", **query)).status_code == 404


def test_certificates_page_lists_errors_and_exports_with_a_reason(world: World) -> None:
    """REP-4 on the page: the errors listed; no reason: 400 and the message; the deputy's
    reason: the file, and the confirmation recorded."""
    from journal.planning.models import CurriculumLine
    from journal.reports.models import CertificateExportConfirmation
    from journal.structure import services as structure
    from tests.world import staff

    with in_period_end(world), schema_context("school1"):
        boss = world.users["director"]
        cls = structure.class_group_create(
            year=world.year,
            grade=11,
            letter="Б",
            class_teacher=staff(world.users["class_teacher"]),
            by=boss,
        )
        roster.pupil_create(
            last_name="Орлов",
            first_name="Иван",
            class_group=cls,
            enrolled_on=world.year.starts_on,
            order_number="11б/1",
            by=world.users["secretary"],
        )
        CurriculumLine.objects.create(
            year=world.year, grade=11, subject=world.math, hours_per_year=1
        )
        structure.teaching_assignment_create(
            teacher=staff(world.users["teacher"]),
            subject=world.math,
            class_group=cls,
            weekly_hours=Decimal(4),
            by=boss,
        )
        url = reverse("web:class-certificates") + f"?class={cls.pk}"
        teacher = signed_in(world.users["class_teacher"])
        page = teacher.get(url)
        assert page.status_code == 200
        assert 'data-issues="1"' in page.content.decode()
        assert "Орлов Иван — Математика: нет итоговой отметки" in page.content.decode()
        refused = teacher.post(url, {"format": "xlsx"})
        assert refused.status_code == 400
        assert "Выгрузка невозможна" in refused.content.decode()
        deputy = signed_in(world.users["deputy"])
        done = deputy.post(url, {"format": "csv", "reason": "Отметка в личном деле"})
        assert done.status_code == 200 and done["Content-Type"].startswith("text/csv")
        assert done.content.decode("utf-8-sig").splitlines()[1] == "Орлов Иван;"
        assert CertificateExportConfirmation.objects.get().reason == "Отметка в личном деле"
        assert signed_in(world.users["teacher"]).get(url).status_code == 404
