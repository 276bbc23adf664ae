"""Reads of the substitution pages (ROLE-3, ROLE-5): the substitution journal through
`journal.register.selectors.substitution_journal` (which decides who reads what), the
lessons of a day to grant a substitute for, and the teachers who may substitute."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from journal.access import scope_for
from journal.register import selectors as reg_selectors
from journal.register.models import Lesson
from journal.structure.models import AcademicYear, ReportingPeriod, StaffMember
from journal.web.manage.staff.selectors import teacher_choices

PAGE_SIZE = 50


def journal_page(
    *,
    for_user: Any,
    year: AcademicYear,
    date_from: dt.date,
    date_to: dt.date,
    page_number: Any,
) -> Page[Lesson]:
    """One page of the year's substituted lessons between two dates: the school's for the
    director and deputies, a teacher's own (substituted or substituting) for a teacher.
    Four queries."""
    qs = reg_selectors.substitution_journal(
        for_user=for_user, year_id=year.pk, date_from=date_from, date_to=date_to
    )
    return Paginator(qs, PAGE_SIZE).get_page(page_number)


def year_periods(*, year: AcademicYear) -> list[ReportingPeriod]:
    """The year's reporting periods (every grade band), for the journal's period filter."""
    return list(ReportingPeriod.objects.filter(year=year).order_by("grade_from", "starts_on"))


def may_grant(*, for_user: Any) -> bool:
    """Whether the user grants substitutions (the director and deputies, ROLE-3)."""
    return scope_for(for_user).whole_school


def lessons_on(*, day: dt.date, for_user: Any) -> QuerySet[Lesson]:
    """The school's lessons of a day, for the director and deputies to grant a substitute
    (anyone else: none)."""
    if not scope_for(for_user).whole_school:
        return Lesson.objects.none()
    return (
        Lesson.objects.filter(date=day)
        .select_related(
            "assignment__class_group",
            "assignment__subgroup",
            "assignment__subject",
            "assignment__teacher__user",
            "substitute__user",
        )
        .order_by("slot", "assignment__class_group__grade", "assignment__class_group__letter", "id")
    )


def substitutes() -> QuerySet[StaffMember]:
    """Working teachers, by name (the service checks the choice again)."""
    return teacher_choices()
