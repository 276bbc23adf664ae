"""Long reports as per-school jobs (issue #12; REP-1, REP-3, REP-5, ROLE-4) and the paper
copies prepared at a period's close by the adopted cadence (TPL-1, 002 п.4).

The task itself is a thin wrapper (journal/reports/tasks.py); here the service it calls is
run in the test's transaction, and the request's outbox row is checked (the browser test
runs the real worker)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django_tenants.utils import schema_context
from pypdf import PdfReader

from journal.audit.models import AccessLog
from journal.reports import cadence
from journal.reports.jobs import report_job_list, report_job_run, report_job_start
from journal.reports.models import GeneratedReport, ReportJob, ReportJobFile
from journal.structure.models import ClassGroup, ReportingPeriod
from outbox.models import OutboxMessage, TaskRun
from tests.world import World

PAPER = ReportJob.Kind.PAPER_COPIES


def _pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def _first_quarter(world: World) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.filter(year=world.year, kind="quarter", grade_from__lte=5)
        .filter(grade_to__gte=5)
        .order_by("starts_on")
        .first()
    )


def test_a_request_is_one_job_with_its_outbox_message_and_asking_again_returns_it(
    world: World,
) -> None:
    with schema_context("school1"):
        job, created = report_job_start(kind=PAPER, by=world.users["deputy"], period=world.period)
        again, created_again = report_job_start(
            kind=PAPER, by=world.users["director"], period=world.period
        )
        assert created and not created_again and again.pk == job.pk
        assert job.state == "queued" and job.total == len(job.units) > 0
        grades = set(ClassGroup.objects.filter(pk__in=job.units).values_list("grade", flat=True))
        assert all(world.period.grade_from <= g <= world.period.grade_to for g in grades)
        messages = list(OutboxMessage.objects.filter(task="reports.job_run"))
        assert [(m.kwargs, m.key) for m in messages] == [
            ({"job_id": job.pk}, f"reports.job_run:{job.pk}")
        ]


def test_the_job_makes_one_paper_copy_per_class_with_progress_and_logs_rep3(
    world: World,
) -> None:
    with schema_context("school1"):
        job, _ = report_job_start(kind=PAPER, by=world.users["deputy"], period=world.period)
        done = report_job_run(job_id=job.pk)
        assert done is not None and done.state == "done" and done.done == done.total
        assert done.started_at and done.finished_at and done.percent == 100
        files = list(ReportJobFile.objects.filter(job=job).select_related("report"))
        assert sorted(f.unit for f in files) == sorted(job.units)
        five_a = next(f for f in files if f.unit == world.class5a.pk)
        assert five_a.title == "5А.pdf" and five_a.report.form_code == "journal-paper-copy"
        text = _pdf_text(bytes(five_a.report.content))
        assert "Класс 5А" in text and "Математика" in text
        assert world.pupils[0].pk in five_a.pupil_ids
        exports = AccessLog.objects.filter(action="export", what="reports.journal-paper-copy")
        assert exports.count() == len([f for f in files if f.pupil_ids])


def test_a_redelivered_task_makes_nothing_twice(world: World) -> None:
    """Redis redelivers a task whose worker died before the ack: the units made are skipped
    (their TaskRun rows committed with their files)."""
    with schema_context("school1"):
        job, _ = report_job_start(kind=PAPER, by=world.users["deputy"], period=world.period)
        report_job_run(job_id=job.pk)
        made = GeneratedReport.objects.count()
        # The worker died after the last unit and before the job was marked done.
        ReportJob.objects.filter(pk=job.pk).update(state="running", finished_at=None)
        again = report_job_run(job_id=job.pk)
        assert again is not None and again.state == "done" and again.done == job.total
        assert GeneratedReport.objects.count() == made
        assert TaskRun.objects.filter(key__startswith=f"reports.job_run:{job.pk}:").count() == (
            job.total
        )
        # A finished job is left alone.
        report_job_run(job_id=job.pk)
        assert GeneratedReport.objects.count() == made


def test_summary_sheets_of_the_school_are_one_xlsx_per_class_rep1(world: World) -> None:
    with schema_context("school1"):
        job, _ = report_job_start(
            kind=ReportJob.Kind.SUMMARY_SHEETS, by=world.users["director"], fmt="xlsx"
        )
        assert set(job.units) == set(
            ClassGroup.objects.filter(year=world.year).values_list("pk", flat=True)
        )
        report_job_run(job_id=job.pk)
        files = {f.unit: f for f in ReportJobFile.objects.filter(job=job).select_related("report")}
        assert set(files) == set(job.units)
        book = openpyxl.load_workbook(io.BytesIO(bytes(files[world.class5a.pk].report.content)))
        sheet = book.active
        assert sheet is not None
        values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
        assert "Сводная ведомость учёта успеваемости" in str(values[0])
        assert any("Класс 5А" in str(v) for v in values)


def test_only_the_heads_start_and_see_jobs_and_a_lost_right_fails_the_job(world: World) -> None:
    with schema_context("school1"):
        for persona in ("teacher", "class_teacher", "journal_admin", "secretary"):
            with pytest.raises(Http404):
                report_job_start(kind=PAPER, by=world.users[persona], period=world.period)
        job, _ = report_job_start(kind=PAPER, by=world.users["deputy"], period=world.period)
        assert report_job_list(for_user=world.users["teacher"]) == []
        assert [j.pk for j in report_job_list(for_user=world.users["director"])] == [job.pk]
        with pytest.raises(ValidationError):
            report_job_start(kind=PAPER, by=world.users["deputy"])
        # The deputy's role is withdrawn before the task runs: their scope makes nothing.
        world.users["deputy"].groups.clear()
        failed = report_job_run(job_id=job.pk)
        assert failed is not None and failed.state == "failed" and failed.error
        assert not ReportJobFile.objects.filter(job=job).exists()


def test_period_close_prepares_the_copies_the_cadence_names_once_rep3_tpl1(
    world: World,
) -> None:
    """Default cadence (002 п.4): quarters in 2–9, half-years in 10–11, nothing in the 1st
    grade. The day after the 1st quarter: 5А and 5Б, not 1А, not 10А (its half-year goes on)."""
    with schema_context("school1"):
        ClassGroup.objects.create(year=world.year, grade=10, letter="А")
        quarter = _first_quarter(world)
        assert quarter is not None
        after = quarter.ends_on + dt.timedelta(days=1)
        assert cadence.paper_copies_at_period_close(today=quarter.ends_on) == []
        jobs = cadence.paper_copies_at_period_close(today=after)
        assert len(jobs) == 1
        job = jobs[0]
        assert job.reason == "cadence" and job.parameters == {"period": quarter.pk}
        titles = sorted(ClassGroup.objects.get(pk=u).title for u in job.units)
        assert titles == ["5А", "5Б"]
        again = cadence.paper_copies_at_period_close(today=after)
        assert [j.pk for j in again] == [job.pk]
        assert ReportJob.objects.count() == 1
        # Done jobs stay done: a later run for that day makes nothing new either.
        report_job_run(job_id=job.pk)
        assert [j.pk for j in cadence.paper_copies_at_period_close(today=after)] == [job.pk]


def test_period_close_follows_the_adopted_cadence_tpl1(world: World) -> None:
    """A regulation printing half-yearly in 5–9 too: nothing after the 1st quarter."""
    from tests.catalog.adopt import adopt_rules

    with schema_context("school1"):
        adopt_rules("school1", paper_copy_cadence={"2-11": "half_year"})
        quarter = _first_quarter(world)
        assert quarter is not None
        assert (
            cadence.paper_copies_at_period_close(today=quarter.ends_on + dt.timedelta(days=1)) == []
        )


def test_tasks_are_registered_with_the_school_base() -> None:
    from journal.reports import tasks
    from tenants.tasking import SchoolTask

    assert isinstance(tasks.job_run, SchoolTask) and tasks.job_run.name == "reports.job_run"
    assert tasks.paper_copies_at_period_close.name == "reports.paper_copies_at_period_close"
