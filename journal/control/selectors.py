"""Reads of the remarks workflow (CTL-1): the teacher's own, the deputy's overview."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from journal.access import scope_for
from journal.control.models import Remark
from journal.structure.models import TeachingAssignment
from journal.structure.selectors import exists_here_or_404, journal_years_or_404


def _readable_q(for_user: Any) -> Q | None:
    """The director and deputies: every remark; a teacher: those on their journals."""
    scope = scope_for(for_user)
    if scope.whole_school:
        return Q()
    if scope.is_staff and not scope.is_pupil and scope.assignment_ids:
        return Q(assignment_id__in=scope.assignment_ids)
    return None


def _status_q(status: str, today: dt.date) -> Q:
    # `__date` is taken in the school's time zone, as `remark_status` does.
    filters: dict[str, Q] = {
        Remark.Status.OPEN: Q(mended_at__isnull=True, due_on__gte=today),
        Remark.Status.OVERDUE: Q(mended_at__isnull=True, due_on__lt=today),
        Remark.Status.MENDED: Q(mended_at__isnull=False, mended_at__date__lte=F("due_on")),
        Remark.Status.MENDED_LATE: Q(mended_at__isnull=False, mended_at__date__gt=F("due_on")),
    }
    return filters[status]


def remark_list(
    *,
    for_user: Any,
    status: str | None = None,
    assignment_id: int | None = None,
    year_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Remark]:
    """Remarks the user may read, newest first; by status (open, overdue, mended in time,
    mended late), journal, year and the day they were written. A journal or year that is
    not this school's is 404 (TEN-3). One query."""
    years = journal_years_or_404(year_id)
    exists_here_or_404(TeachingAssignment, assignment_id)
    q = _readable_q(for_user)
    if q is None:
        return Remark.objects.none()
    qs = Remark.objects.filter(q)
    if year_id is not None:
        qs = qs.filter(assignment__year__in=years)
    if status:
        qs = qs.filter(_status_q(status, timezone.localdate()))
    if assignment_id:
        qs = qs.filter(assignment_id=assignment_id)
    if date_from:
        qs = qs.filter(written_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(written_at__date__lte=date_to)
    return qs.select_related(
        "assignment__subject",
        "assignment__class_group",
        "assignment__teacher__user",
        "lesson",
        "written_by",
    )


def remark_status(remark: Remark, today: dt.date | None = None) -> str:
    mended_on = timezone.localtime(remark.mended_at).date() if remark.mended_at else None
    return remark.status_on(today or timezone.localdate(), mended_on)


def remark_for_mending(*, remark_id: int, for_user: Any) -> Remark:
    """A remark on one of the user's journals (the director and deputies see all), else 404;
    the service checks the right to mend."""
    q = _readable_q(for_user)
    remark = Remark.objects.filter(q, pk=remark_id).first() if q is not None else None
    if remark is None:
        raise Http404
    return remark


@dataclass(frozen=True)
class TeacherRemarks:
    teacher_id: int
    teacher: str
    total: int
    open: int
    overdue: int
    mended: int
    mended_late: int


def remark_summary(
    *,
    for_user: Any,
    year_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[TeacherRemarks]:
    """Per teacher: how many remarks, mended in time or late, open and overdue — what the
    deputy reports monthly and per period (CTL-1, 004 §6.5). The director and deputies
    only (else 404). Two queries."""
    if not scope_for(for_user).whole_school:
        raise Http404
    today = timezone.localdate()
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[int, str] = {}
    for remark in remark_list(
        for_user=for_user, year_id=year_id, date_from=date_from, date_to=date_to
    ):
        teacher = remark.assignment.teacher
        names[teacher.pk] = str(teacher)
        counts[teacher.pk][remark_status(remark, today)] += 1
        counts[teacher.pk]["total"] += 1
    return [
        TeacherRemarks(
            teacher_id=tid,
            teacher=names[tid],
            total=c["total"],
            open=c[Remark.Status.OPEN],
            overdue=c[Remark.Status.OVERDUE],
            mended=c[Remark.Status.MENDED],
            mended_late=c[Remark.Status.MENDED_LATE],
        )
        for tid, c in sorted(counts.items(), key=lambda kv: names[kv[0]])
    ]
