"""The reports page's long reports (issue #12; REP-1, REP-3): the deputy starts the whole
school's paper copies, the job's card polls while it runs and shows the links when done;
nobody but the heads sees or starts a job (ROLE-1)."""

from __future__ import annotations

from django.urls import reverse
from django_tenants.utils import schema_context

from journal.reports.jobs import report_job_run
from journal.reports.models import ReportJob
from outbox.models import OutboxMessage
from tests.web.conftest import signed_in
from tests.world import World


def test_the_deputy_starts_the_school_paper_copies_and_follows_the_card_rep3(
    world: World,
) -> None:
    client = signed_in(world.users["deputy"])
    with schema_context("school1"):
        index = client.get(reverse("web:reports"))
        assert "Сформировать бумажные копии всех классов" in index.content.decode()
        response = client.post(
            reverse("web:reports-job-start"), {"kind": "paper_copies", "period": world.period.pk}
        )
        assert response.status_code == 302
        job = ReportJob.objects.get()
        assert response["Location"].endswith(f"#job-{job.pk}")
        assert OutboxMessage.objects.filter(task="reports.job_run", kwargs={"job_id": job.pk})
        # A second click while it runs: the same job.
        client.post(
            reverse("web:reports-job-start"), {"kind": "paper_copies", "period": world.period.pk}
        )
        assert ReportJob.objects.count() == 1
        card = client.get(reverse("web:reports-job", args=[job.pk])).content.decode()
        assert 'hx-trigger="every 1s"' in card and f'max="{job.total}" value="0"' in card
        report_job_run(job_id=job.pk)
        done = client.get(reverse("web:reports-job", args=[job.pk])).content.decode()
        assert "hx-trigger" not in done and f'value="{job.total}"' in done
        file = job.files.get(unit=world.class5a.pk)
        link = reverse("web:reports-job-file", args=[job.pk, file.pk])
        assert link in done and "5А.pdf" in done
        download = client.get(link)
        assert download.status_code == 200 and download.content.startswith(b"%PDF")
        assert download["X-Report-SHA256"] == file.report.sha256
        page = client.get(reverse("web:reports")).content.decode()
        assert "Запрошенные отчёты" in page and link in page


def test_a_bad_request_says_why_and_makes_nothing(world: World) -> None:
    client = signed_in(world.users["deputy"])
    with schema_context("school1"):
        response = client.post(
            reverse("web:reports-job-start"), {"kind": "paper_copies"}, follow=True
        )
        assert "Укажите учебный период." in response.content.decode()
        assert not ReportJob.objects.exists()
        assert (
            client.post(
                reverse("web:reports-job-start"), {"kind": "paper_copies", "period": 987654}
            ).status_code
            == 404
        )


def test_teachers_neither_see_nor_start_jobs_role1(world: World) -> None:
    deputy = signed_in(world.users["deputy"])
    with schema_context("school1"):
        deputy.post(
            reverse("web:reports-job-start"), {"kind": "paper_copies", "period": world.period.pk}
        )
        job = ReportJob.objects.get()
        for persona in ("teacher", "class_teacher"):
            client = signed_in(world.users[persona])
            page = client.get(reverse("web:reports")).content.decode()
            assert "Отчёты по всей школе" not in page and job.title not in page
            assert client.get(reverse("web:reports-job", args=[job.pk])).status_code == 404
            assert (
                client.post(
                    reverse("web:reports-job-start"),
                    {"kind": "paper_copies", "period": world.period.pk},
                ).status_code
                == 404
            )
        assert ReportJob.objects.count() == 1
