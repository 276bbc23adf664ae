"""Reads of the control works page (YEAR-2; 004 §6.3): the schedule checked against the
lessons held, through `journal.attestation.selectors.control_work_check` (which decides
whose journals a user reads), grouped per class and subject."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from journal.access import scope_for
from journal.attestation import selectors as attestation
from journal.attestation.models import ControlWork
from journal.structure import selectors as structure
from journal.structure.models import AcademicYear, ClassGroup, TeachingAssignment

STATUS_LABELS = {
    "held": "Проведена",
    "moved": "Проведена в другой день",
    "missing": "Не проведена",
    "planned": "Запланирована",
    "unscheduled": "Проведена вне графика",
}
KIND_LABELS = dict(ControlWork.Kind.choices)


@dataclass(frozen=True)
class ShownLine:
    line: attestation.ControlWorkLine
    kind_label: str
    status_label: str


@dataclass(frozen=True)
class JournalWorks:
    assignment_id: int
    journal: str  # «5А Математика»
    lines: list[ShownLine]
    problems: int  # missing or held off the schedule


def schedule(
    *, for_user: Any, year: AcademicYear, class_group_id: int | None
) -> list[JournalWorks]:
    """The year's schedule of control, laboratory and practical works per journal (class
    and subject), each work with what happened: held, moved, missing, planned, or held off
    the schedule. The director and deputies: every journal; a teacher: their own; a class
    teacher: their class's. A class of another school is 404. Six queries."""
    lines = attestation.control_work_check(
        for_user=for_user, year_id=year.pk, class_group_id=class_group_id
    )
    grouped: dict[int, list[attestation.ControlWorkLine]] = {}
    titles: dict[int, str] = {}
    for line in lines:
        grouped.setdefault(line.assignment_id, []).append(line)
        titles[line.assignment_id] = line.journal
    return [
        JournalWorks(
            assignment_id=aid,
            journal=titles[aid],
            lines=[
                ShownLine(x, KIND_LABELS.get(x.kind, x.kind), STATUS_LABELS[x.status])
                for x in items
            ],
            problems=sum(1 for x in items if x.status in ("missing", "unscheduled")),
        )
        for aid, items in sorted(grouped.items(), key=lambda kv: titles[kv[0]])
    ]


def classes(*, for_user: Any, year: AcademicYear) -> list[ClassGroup]:
    """The year's classes the user may list, for the class filter."""
    return list(structure.class_list(for_user=for_user, year_id=year.pk))


def journal_choices(*, for_user: Any, year: AcademicYear) -> QuerySet[TeachingAssignment]:
    """The year's journals a work may be scheduled for (the director and deputies)."""
    return (
        TeachingAssignment.objects.readable_by(scope_for(for_user))
        .filter(year=year)
        .select_related("subject", "class_group", "subgroup", "teacher__user")
        .order_by("class_group__grade", "class_group__letter", "subject__title", "id")
    )
