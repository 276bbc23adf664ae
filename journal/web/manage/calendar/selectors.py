"""Reads of the school calendar pages: reporting periods, bells, holidays and schedule
changes of a school year (SET-1). The year comes from `year_chosen` or `academic_year_get`
(the access check)."""

from __future__ import annotations

from typing import Any

from journal.structure import selectors as structure_selectors
from journal.structure.models import AcademicYear, BellSlot, ReportingPeriod, ScheduleBreak


def year_periods(*, year: AcademicYear) -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.filter(year=year).order_by("grade_from", "number"))


def year_bells(*, year: AcademicYear) -> list[BellSlot]:
    return list(year.bell_slots.order_by("number"))


def year_classes(*, year: AcademicYear, for_user: Any) -> Any:
    return structure_selectors.class_list(for_user=for_user, year_id=year.pk)


def break_rows(*, year: AcademicYear, for_user: Any) -> list[dict[str, Any]]:
    """The year's holidays and schedule changes with the titles of the classes they stop."""
    classes = {c.pk: c.title for c in year_classes(year=year, for_user=for_user)}
    return [
        {"item": b, "classes": [classes.get(pk, f"№{pk}") for pk in b.class_group_ids]}
        for b in ScheduleBreak.objects.filter(year=year).order_by("starts_on", "id")
    ]
