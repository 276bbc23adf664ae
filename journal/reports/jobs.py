"""Long reports as per-school background jobs (issue #12; REP-1, REP-3, REP-5, ROLE-4).

A whole school's paper copies (one PDF per class, REP-3) and the summary progress sheets of
a large school (one file per class, REP-1) take minutes, not a request's seconds: the page
asks for a `ReportJob`, a Celery task of that school makes the files one class at a time,
and the page polls the job's progress until the download links appear. Small reports stay
inline (`services.report_file_create`).

- **Never lost**: the job row and its outbox message commit together
  (`outbox.services.outbox_enqueue`), so a broker that is down at commit delays the work,
  never drops it.
- **Never twice**: the job's natural key (`signature`: kind, format and parameters) is
  unique among queued and running jobs, so asking again returns the job under way; each
  unit (a class) is made in its own transaction with its `TaskRun` claim and its
  `ReportJobFile` (unique per job and class), so a redelivered task skips what is done and
  the progress the page shows is always committed work.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from journal.access import scope_for
from journal.audit.services import access_log
from journal.reports.models import GeneratedReport, ReportJob, ReportJobFile
from journal.reports.registry import PAPER_COPY
from journal.structure.models import AcademicYear, ClassGroup, ReportingPeriod

logger = logging.getLogger(__name__)

TASK = "reports.job_run"
SUMMARY = "summary-progress-sheet"
ACTIVE = (ReportJob.State.QUEUED, ReportJob.State.RUNNING)


def _require_heads(user: Any) -> None:
    """Whole-school jobs belong to the director and deputies; anyone else: 404 (ROLE-1)."""
    if not scope_for(user).whole_school:
        raise Http404


def _classes_of_period(period: ReportingPeriod) -> list[ClassGroup]:
    return list(
        ClassGroup.objects.filter(
            year_id=period.year_id, grade__gte=period.grade_from, grade__lte=period.grade_to
        ).order_by("grade", "letter", "id")
    )


@transaction.atomic
def report_job_start(
    *,
    kind: str,
    by: Any,
    period: ReportingPeriod | None = None,
    year: AcademicYear | None = None,
    fmt: str = "pdf",
    class_groups: list[ClassGroup] | None = None,
    reason: str = ReportJob.Reason.REQUEST,
    once: bool = False,
) -> tuple[ReportJob, bool]:
    """Ask for a long report; (the job, whether it is new). The same request while the
    first is queued or running returns the first (`once`: whatever its state -- the
    period-close task prepares a period's copies once). The task is sent after commit
    through the outbox."""
    _require_heads(by)
    if kind == ReportJob.Kind.PAPER_COPIES:
        if period is None:
            raise ValidationError({"period": ["Укажите учебный период."]})
        fmt = "pdf"
        classes = class_groups if class_groups is not None else _classes_of_period(period)
        params: dict[str, Any] = {"period": period.pk}
        title = f"Бумажные копии журналов: {period.title} ({period.year.title})"
    elif kind == ReportJob.Kind.SUMMARY_SHEETS:
        if year is None:
            year = AcademicYear.objects.filter(is_current=True).first()
        if year is None:
            raise ValidationError({"academic_year": ["Нет текущего учебного года."]})
        if fmt not in ("pdf", "xlsx"):
            raise ValidationError({"format": ["Формат: pdf или xlsx."]})
        classes = (
            class_groups
            if class_groups is not None
            else list(ClassGroup.objects.filter(year=year).order_by("grade", "letter", "id"))
        )
        params = {"academic_year": year.pk}
        title = f"Сводные ведомости успеваемости всех классов, {year.title} ({fmt.upper()})"
    else:
        raise ValidationError({"kind": ["Неизвестный вид отчёта."]})
    units = [c.pk for c in classes]
    if not units:
        raise ValidationError({"period": ["В этом периоде нет классов."]})
    signature = ":".join(
        [kind, fmt, *(f"{k}={v}" for k, v in sorted(params.items())), str(reason)]
        + ([hashlib.sha256(repr(units).encode()).hexdigest()[:16]] if class_groups else [])
    )
    same = ReportJob.objects.filter(signature=signature)
    running = (same if once else same.filter(state__in=ACTIVE)).order_by("-id").first()
    if running is not None:
        return running, False
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(
                kind=kind,
                signature=signature,
                parameters=params,
                units=units,
                format=fmt,
                reason=reason,
                title=title,
                state=ReportJob.State.QUEUED,
                total=len(units),
                requested_by=by,
            )
    except IntegrityError:  # a concurrent twin committed first: that one is the job
        return ReportJob.objects.get(signature=signature, state__in=ACTIVE), False
    from outbox.services import outbox_enqueue

    outbox_enqueue(task=TASK, kwargs={"job_id": job.pk}, key=f"{TASK}:{job.pk}")
    return job, True


def _unit_file(job: ReportJob, class_group: ClassGroup) -> tuple[GeneratedReport, list[int]]:
    """Make and record one class's file, for the job's requester (their scope decides)."""
    from journal.reports.selectors import form_def
    from journal.reports.services import render_file

    if job.kind == ReportJob.Kind.PAPER_COPIES:
        code, by_type = PAPER_COPY.code, {"class_group": class_group.pk, **job.parameters}
        form = PAPER_COPY
    else:
        code, by_type = SUMMARY, {"class_group": class_group.pk, **job.parameters}
        form = form_def(SUMMARY)
    names = {p["type"]: p["name"] for p in form.parameters}
    data = {names[k]: v for k, v in by_type.items() if k in names}
    form, params, content, data_at, pupil_ids = render_file(
        code=code, data=data, fmt=job.format, for_user=job.requested_by
    )
    report = GeneratedReport.objects.create(
        form_code=form.code,
        form_version=form.version,
        form_id=form.form_id,
        parameters=params.as_dict(),
        format=job.format,
        data_at=data_at,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        created_by=job.requested_by,
    )
    access_log(
        user=job.requested_by,
        action="export",
        what=f"reports.{form.code}",
        pupil_ids=pupil_ids,
        details={"generated_report_id": report.pk, "format": job.format, "job_id": job.pk},
    )
    return report, pupil_ids


def report_job_run(*, job_id: int) -> ReportJob | None:
    """Make the job's files one class at a time (each unit commits with its TaskRun claim
    and its file, so the progress is real and a redelivery skips finished units)."""
    from outbox.services import task_run_claim

    job = ReportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.finished:
        return job
    ReportJob.objects.filter(pk=job.pk, state=ReportJob.State.QUEUED).update(
        state=ReportJob.State.RUNNING, started_at=timezone.now()
    )
    classes = ClassGroup.objects.in_bulk(job.units)
    try:
        for unit in job.units:
            with transaction.atomic():
                if not task_run_claim(key=f"{TASK}:{job.pk}:{unit}", task=TASK):
                    continue
                if ReportJobFile.objects.filter(job=job, unit=unit).exists():
                    continue
                group = classes.get(unit)
                if group is None:  # the class was removed since: nothing to print
                    ReportJob.objects.filter(pk=job.pk).update(done=F("done") + 1)
                    continue
                report, pupil_ids = _unit_file(job, group)
                ReportJobFile.objects.create(
                    job=job,
                    unit=unit,
                    title=f"{group.title}.{job.format}",
                    report=report,
                    pupil_ids=sorted(pupil_ids),
                )
                ReportJob.objects.filter(pk=job.pk).update(done=F("done") + 1)
    except Exception as exc:
        logger.exception("report job %s failed", job.pk)
        if isinstance(exc, ValidationError):
            message = exc.messages[0]
        elif isinstance(exc, Http404):  # the requester's rights changed since they asked
            message = "нет доступа к классу или периоду"
        else:
            message = "внутренняя ошибка (записана в журнал сервера)"
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED,
            error=f"Не удалось сформировать: {message}"[:500],
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    ReportJob.objects.filter(pk=job.pk).update(
        state=ReportJob.State.DONE, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


# ------------------------------------------------------------------------------ reads


def report_job_list(*, for_user: Any, limit: int = 20) -> list[ReportJob]:
    """The school's recent jobs (the heads only; nobody else sees whole-school jobs)."""
    if not scope_for(for_user).whole_school:
        return []
    return list(
        ReportJob.objects.select_related("requested_by")
        .prefetch_related("files")
        .order_by("-created_at", "-id")[:limit]
    )


def report_job_get(*, job_id: int, for_user: Any) -> ReportJob:
    _require_heads(for_user)
    job = ReportJob.objects.prefetch_related("files").filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def report_job_file(*, job_id: int, file_id: int, for_user: Any) -> GeneratedReport:
    """One file of a job, for download; logged as an export of its pupils' data (ROLE-4)."""
    _require_heads(for_user)
    row = ReportJobFile.objects.select_related("report").filter(pk=file_id, job_id=job_id).first()
    if row is None:
        raise Http404
    access_log(
        user=for_user,
        action="export",
        what=f"reports.{row.report.form_code}",
        pupil_ids=row.pupil_ids,
        details={"generated_report_id": row.report_id, "job_id": job_id},
    )
    return row.report


def report_job_request(
    *,
    kind: str,
    by: Any,
    period_id: int | None = None,
    year_id: int | None = None,
    fmt: str = "pdf",
) -> tuple[ReportJob, bool]:
    """`report_job_start` from ids (the page's and the API's input): an id that names
    nothing here is 404 (TEN-3); anyone but the heads: 404."""
    _require_heads(by)
    period = year = None
    if period_id is not None:
        period = ReportingPeriod.objects.select_related("year").filter(pk=period_id).first()
        if period is None:
            raise Http404
    if year_id is not None:
        year = AcademicYear.objects.filter(pk=year_id).first()
        if year is None:
            raise Http404
    return report_job_start(kind=kind, by=by, period=period, year=year, fmt=fmt)


def report_job_periods(*, for_user: Any) -> list[ReportingPeriod]:
    """The periods of the current year a whole-school paper copy may be asked for."""
    if not scope_for(for_user).whole_school:
        return []
    return list(
        ReportingPeriod.objects.filter(year__is_current=True)
        .select_related("year")
        .order_by("starts_on", "grade_from")
    )
