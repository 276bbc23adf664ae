"""Reads of the remarks pages (CTL-1): the deputy's overview of the school's remarks and
the teacher's own, through `journal.control.selectors` (which decides who reads what)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from journal.access import scope_for
from journal.control import selectors as control
from journal.control.models import Remark
from journal.register import selectors as reg_selectors
from journal.register.models import Lesson
from journal.structure.models import AcademicYear, TeachingAssignment

PAGE_SIZE = 50
STATUS_LABELS = dict(Remark.Status.choices)


@dataclass(frozen=True)
class RemarkRow:
    remark: Remark
    status: str
    status_label: str

    @property
    def is_open(self) -> bool:
        return self.remark.mended_at is None


def rows_of(remarks: Any) -> list[RemarkRow]:
    today = timezone.localdate()
    rows = []
    for remark in remarks:
        status = control.remark_status(remark, today)
        rows.append(RemarkRow(remark, status, STATUS_LABELS[status]))
    return rows


@dataclass(frozen=True)
class SchoolRemarks:
    """The deputy's view: per teacher totals and one page of the school's remarks."""

    summary: list[control.TeacherRemarks]
    rows: list[RemarkRow]
    page: Page[Remark]


def school_remarks(
    *, for_user: Any, year: AcademicYear, status: str | None, page_number: Any
) -> SchoolRemarks | None:
    """The school's remarks of the year by status, with the per-teacher summary (open,
    overdue, mended in time and late); None for anyone but the director and deputies.
    Six queries whatever the number of remarks."""
    if not scope_for(for_user).whole_school:
        return None
    summary = control.remark_summary(for_user=for_user, year_id=year.pk)
    qs = control.remark_list(for_user=for_user, year_id=year.pk, status=status or None)
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    return SchoolRemarks(summary=summary, rows=rows_of(page.object_list), page=page)


def own_remarks(*, for_user: Any, year: AcademicYear) -> list[RemarkRow]:
    """Remarks on the user's own journals this year: those still to mend first (the
    earliest mend-by date first), then the mended ones, newest first. One query."""
    scope = scope_for(for_user)
    if scope.is_pupil or not scope.assignment_ids:
        return []
    qs: QuerySet[Remark] = control.remark_list(for_user=for_user, year_id=year.pk).filter(
        assignment_id__in=scope.assignment_ids
    )
    qs = qs.annotate(
        done=Case(
            When(mended_at__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("done", "due_on", "-mended_at", "-id")
    return rows_of(qs)


def journal_choices(*, for_user: Any, year: AcademicYear) -> QuerySet[TeachingAssignment]:
    """The year's journals a remark may be written on (the director and deputies read all)."""
    scope = scope_for(for_user)
    return (
        TeachingAssignment.objects.readable_by(scope)
        .filter(year=year)
        .select_related("subject", "class_group", "subgroup", "teacher__user")
        .order_by("class_group__grade", "class_group__letter", "subject__title", "id")
    )


def lesson_of_remark(*, lesson_id: int, for_user: Any) -> Lesson:
    """The lesson a remark is about: one the user may see (else 404)."""
    return reg_selectors.lesson_for_writing(lesson_id=lesson_id, for_user=for_user)
