"""Reads shared by several of the school's pages (issue #5): reporting periods of a grade,
the classes a user leads, where a signed-in user starts.

The reads of one topic live next to its views (`journal.web.<topic>.selectors`). Every read
starts from `journal.access.scope_for(user)` and filters by it the way the journal's own
selectors do (ROLE-1); nothing is re-decided here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils import timezone

from accounts import roles
from journal.access import scope_for
from journal.structure.models import ClassGroup, ReportingPeriod
from journal.structure.selectors import academic_year_current


def period_for_date(periods: list[ReportingPeriod], on: dt.date) -> ReportingPeriod | None:
    """The period containing the date; else the last one that started before it; else the first."""
    for period in periods:
        if period.starts_on <= on <= period.ends_on:
            return period
    started = [p for p in periods if p.starts_on <= on]
    if started:
        return started[-1]
    return periods[0] if periods else None


def period_chosen(periods: list[ReportingPeriod], period_id: int | None) -> ReportingPeriod | None:
    """The period the query string names (404 when it is not one of `periods`); without one,
    the period of today (`period_for_date`)."""
    if period_id is None:
        return period_for_date(periods, timezone.localdate())
    for period in periods:
        if period.pk == period_id:
            return period
    raise Http404


def periods_for_grade(year_id: int, grade: int) -> list[ReportingPeriod]:
    return list(
        ReportingPeriod.objects.filter(
            year_id=year_id, grade_from__lte=grade, grade_to__gte=grade
        ).order_by("starts_on")
    )


def led_classes(*, for_user: Any) -> list[ClassGroup]:
    """Classes whose day the user may open: their own as class teacher (the newest year's
    first, so after a year closes the default is this year's class, not last year's); all
    of the current year for the director and deputies."""
    scope = scope_for(for_user)
    if scope.whole_school:
        year = academic_year_current()
        qs = ClassGroup.objects.filter(year=year) if year else ClassGroup.objects.none()
    elif scope.class_ids and not scope.is_pupil:
        qs = ClassGroup.objects.filter(id__in=scope.class_ids)
    else:
        return []
    return list(qs.order_by("-year__starts_on", "grade", "letter"))


def start_url_name(user: Any) -> str | None:
    """Where a signed-in user starts: the page of their main role."""
    scope = scope_for(user)
    if scope.has(roles.DIRECTOR, roles.DEPUTY):
        return "web:control"
    if scope.has(roles.TEACHER):
        return "web:teacher-today"
    if scope.has(roles.JOURNAL_ADMIN):
        return "web:plan-import"
    if scope.has(roles.PUPIL, roles.PARENT):
        return "diary:index"
    return None
