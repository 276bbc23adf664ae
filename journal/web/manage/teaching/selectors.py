"""Reads of the teaching pages: the year's нагрузка, the teachers who have some, and the
weekly timetable as a grid (lessons × weekdays) by class or by teacher (SET-3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from journal.structure import selectors as structure_selectors
from journal.structure.models import (
    AcademicYear,
    ClassGroup,
    StaffMember,
    Subgroup,
    TeachingAssignment,
)
from journal.structure.services import WEEKDAYS
from journal.web.manage.staff.selectors import staff_choices


def year_assignments(*, year: AcademicYear | None) -> QuerySet[TeachingAssignment]:
    """The year's нагрузка by class and subject (the pages' gate: structure managers)."""
    if year is None:
        return TeachingAssignment.objects.none()
    return (
        TeachingAssignment.objects.filter(year=year)
        .select_related("year", "teacher__user", "subject", "class_group", "subgroup")
        .order_by("class_group__grade", "class_group__letter", "subject__title", "id")
    )


def subgroup_choices(*, classes: QuerySet[ClassGroup]) -> QuerySet[Subgroup]:
    return Subgroup.objects.filter(class_group__in=classes).select_related("class_group", "subject")


def year_teachers(*, year: AcademicYear | None) -> list[StaffMember]:
    """Active staff who teach something in the year, by name."""
    if year is None:
        return []
    return list(staff_choices().filter(assignments__year=year).distinct())


@dataclass
class TimetableGrid:
    days: list[tuple[int, str]] = field(default_factory=list)  # weekday number, title
    rows: list[dict[str, Any]] = field(default_factory=list)  # slot, bell, cells by weekday


def timetable_grid(
    *,
    year: AcademicYear,
    group: ClassGroup | None,
    teacher: StaffMember | None,
    for_user: Any,
) -> TimetableGrid:
    """The week of a class or of a teacher: every lesson number of the bells (and any slot
    used beyond them) × the year's school days, each cell the entries of that lesson."""
    entries = list(
        structure_selectors.timetable(
            for_user=for_user,
            class_group_id=group.pk if group else None,
            teacher_id=teacher.pk if teacher else None,
        )
        .filter(year=year)
        .select_related("teacher__user", "subgroup")
    )
    bells = {b.number: b for b in year.bell_slots.all()}
    slots = sorted(set(bells) | {e.slot for e in entries})
    days = [(d, WEEKDAYS[d].capitalize()) for d in range(1, year.days_per_week + 1)]
    cells: dict[tuple[int, int], list[Any]] = {}
    for e in entries:
        cells.setdefault((e.slot, e.weekday), []).append(e)
    rows = [
        {"slot": s, "bell": bells.get(s), "cells": [cells.get((s, d), []) for d, _ in days]}
        for s in slots
    ]
    return TimetableGrid(days=days, rows=rows)
