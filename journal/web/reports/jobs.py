"""Long reports on the reports page (issue #12; REP-1, REP-3, REP-5): the heads start a
whole school's paper copies or summary sheets, the page polls the job (htmx, every second)
and shows its progress bar, then the download links. Made by a per-school task
(journal/reports/jobs.py); the period-close copies (by the adopted cadence) are listed here
as well. Director and deputies only; anyone else: 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from journal.reports import jobs
from journal.reports.api import file_response
from journal.reports.models import ReportJob
from journal.web.pages import WHOLE_SCHOOL, school_page


def jobs_context(request: HttpRequest) -> dict[str, Any]:
    """What the reports page shows of the jobs (nothing to anyone but the heads)."""
    listed = jobs.report_job_list(for_user=request.user)
    return {
        "jobs": listed,
        "job_periods": jobs.report_job_periods(for_user=request.user),
        "job_kinds": ReportJob.Kind,
        "cadence_jobs": [j for j in listed if j.reason == ReportJob.Reason.CADENCE],
        "request_jobs": [j for j in listed if j.reason != ReportJob.Reason.CADENCE],
    }


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@school_page(roles=WHOLE_SCHOOL, methods=("POST",), deny=404)
def report_job_start(request: HttpRequest) -> HttpResponse:
    try:
        job, created = jobs.report_job_request(
            kind=request.POST.get("kind", ""),
            by=request.user,
            period_id=_int(request.POST.get("period")),
            fmt=request.POST.get("format", "pdf"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{reverse('web:reports')}#jobs")
    if created:
        messages.success(
            request, "Отчёт формируется: ход виден ниже, файлы появятся по готовности."
        )
    else:
        messages.info(request, "Этот отчёт уже формируется.")
    return redirect(f"{reverse('web:reports')}#job-{job.pk}")


@school_page(roles=WHOLE_SCHOOL, deny=404)
def report_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's card: polled by the page until the job is finished."""
    job = jobs.report_job_get(job_id=job_id, for_user=request.user)
    return render(request, "web/reports/_job.html", {"job": job})


@school_page(roles=WHOLE_SCHOOL, deny=404)
def report_job_file(request: HttpRequest, job_id: int, file_id: int) -> HttpResponse:
    report = jobs.report_job_file(job_id=job_id, file_id=file_id, for_user=request.user)
    return file_response(report, f"{report.form_code}-{job_id}-{file_id}")
