"""The reports page (issue #12): the deputy reads a report and downloads its files; the
class teacher reads their class; a teacher their subject; learners and another school's
users get nothing (REP-1, REP-5, ROLE-1, ROLE-4, TEN-3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from journal.audit.models import AccessLog
from journal.reports.models import GeneratedReport
from tests.journal.reports_school import ReportsSchool, build_reports_school, in_period_end
from tests.web.conftest import signed_in
from tests.world import World

CODE = "class-period-results"


@pytest.fixture
def school(world: World) -> Any:
    with in_period_end(world):
        with schema_context("school1"):
            built = build_reports_school(world)
        yield built


def _url(name: str, school: ReportsSchool, **extra: Any) -> str:
    with schema_context("school1"):
        base = reverse(name)
    query = {"form": CODE, "class_group": school.class_group.pk, "period": school.period.pk}
    query.update(extra)
    return base + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_the_deputy_reads_the_class_results_and_downloads_pdf_and_xlsx(
    school: ReportsSchool,
) -> None:
    client = signed_in(school.users["deputy"])
    with schema_context("school1"):
        index = client.get(reverse("web:reports"))
    assert index.status_code == 200
    page = index.content.decode()
    assert "Итоги успеваемости класса за учебный период" in page and "Бумажная копия" in page
    response = client.get(_url("web:reports-view", school))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Математика" in html and "66,7" in html and "Скачать PDF" in html
    pdf = client.get(_url("web:reports-download", school, format="pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf["Content-Disposition"]
    xlsx = client.get(_url("web:reports-download", school, format="xlsx"))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    with schema_context("school1"):
        made = list(GeneratedReport.objects.order_by("id").values_list("format", "sha256"))
        assert [f for f, _ in made] == ["pdf", "xlsx"]
        assert made[0][1] == pdf["X-Report-SHA256"]
        exports = AccessLog.objects.filter(action="export", what=f"reports.{CODE}")
        assert exports.count() == 2
        assert AccessLog.objects.filter(action="read", what=f"reports.{CODE}").exists()


def test_the_paper_copy_downloads_as_pdf(school: ReportsSchool) -> None:
    client = signed_in(school.users["class_teacher"])
    url = _url("web:reports-download", school, format="pdf").replace(CODE, "journal-paper-copy")
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    page = client.get(_url("web:reports-view", school).replace(CODE, "journal-paper-copy"))
    assert page.status_code == 200 and "Скачать PDF" in page.content.decode()


def test_teachers_see_their_own_and_others_get_404(school: ReportsSchool) -> None:
    teacher = signed_in(school.users["teacher"]).get(_url("web:reports-view", school))
    assert teacher.status_code == 200
    html = teacher.content.decode()
    assert "Математика" in html and "Русский язык" not in html
    assert (
        signed_in(school.users["class_teacher"]).get(_url("web:reports-view", school)).status_code
        == 200
    )
    other = signed_in(school.users["other_teacher"])
    url = _url("web:reports-view", school, class_group=school.world.class5a.pk)
    assert other.get(url).status_code == 404
    assert (
        other.get(url.replace("reports/view/", "reports/download/") + "&format=pdf").status_code
        == 404
    )
    sizes = _url("web:reports-view", school, form="class-sizes")
    assert signed_in(school.users["class_teacher"]).get(sizes).status_code == 404


def test_learners_and_lesser_roles_are_refused(school: ReportsSchool) -> None:
    for persona in ("pupil", "parent"):
        client = signed_in(school.users[persona])
        assert client.get(_url("web:reports-view", school)).status_code == 403
        assert client.get(_url("web:reports-download", school, format="pdf")).status_code == 403
    secretary = signed_in(school.users["secretary"])
    assert secretary.get(_url("web:reports-download", school, format="pdf")).status_code == 404
    with schema_context("school1"):
        assert not GeneratedReport.objects.exists()


def test_another_schools_director_gets_404(school: ReportsSchool, school2_director: Any) -> None:
    client = signed_in(school2_director, "school2")
    assert client.get(_url("web:reports-view", school)).status_code == 404
    assert client.get(_url("web:reports-download", school, format="pdf")).status_code == 404


def test_bad_parameters_show_russian_field_errors(school: ReportsSchool) -> None:
    client = signed_in(school.users["deputy"])
    response = client.get(_url("web:reports-view", school, period="abc"))
    assert response.status_code == 200
    assert "Введите целое число." in response.content.decode()
    download = client.get(_url("web:reports-download", school, period="abc", format="pdf"))
    assert download.status_code == 302 and "reports/view/" in download["Location"]
