"""The reads the report selectors share: a class's subjects as the user may see them, its
pupils over dates, its subgroups. Each is one query whatever the size (the reports' query
budget is the same for 5 and 30 pupils, for 2 and 11 classes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import Http404

from journal.access import Scope
from journal.roster.models import ClassMembership
from journal.structure.models import ClassGroup, SubgroupMember, TeachingAssignment


@dataclass
class SubjectLine:
    """One subject of a class: its assignments (the whole class, or its subgroups)."""

    subject_id: int
    title: str
    short_title: str
    teachers: list[str] = field(default_factory=list)
    assignment_ids: list[int] = field(default_factory=list)
    subgroup_ids: list[int] = field(default_factory=list)
    whole_class: bool = False

    def pupils(self, class_pupils: Iterable[int], groups: dict[int, set[int]]) -> list[int]:
        """The subject's pupils among the class's (a split subject: those in its subgroups)."""
        if self.whole_class:
            return list(class_pupils)
        members = set().union(*(groups.get(g, set()) for g in self.subgroup_ids))
        return [p for p in class_pupils if p in members]


def may_read_class(scope: Scope, class_group: ClassGroup) -> bool:
    """The heads and the class teacher read the whole class (ROLE-1)."""
    return scope.whole_school or class_group.pk in scope.class_ids


def class_subjects(class_group: ClassGroup, scope: Scope) -> list[SubjectLine]:
    """The class's subjects in the curriculum's order of titles: all of them for the heads
    and the class teacher; a teacher's own only (404 when they teach none of it)."""
    everything = may_read_class(scope, class_group)
    if not (everything or scope.is_staff):
        raise Http404
    lines: dict[int, SubjectLine] = {}
    rows = (
        TeachingAssignment.objects.filter(class_group=class_group)
        .select_related("subject", "teacher__user")
        .order_by("subject__title", "subgroup_id", "id")
    )
    for a in rows:
        if not everything and a.pk not in scope.assignment_ids:
            continue
        line = lines.setdefault(
            a.subject_id,
            SubjectLine(a.subject_id, a.subject.title, a.subject.short_title or a.subject.title),
        )
        line.assignment_ids.append(a.pk)
        name = a.teacher.user.full_name
        if name not in line.teachers:
            line.teachers.append(name)
        if a.subgroup_id:
            line.subgroup_ids.append(a.subgroup_id)
        else:
            line.whole_class = True
    if not everything and not lines:
        raise Http404
    return list(lines.values())


@dataclass(frozen=True)
class ClassPupil:
    id: int
    name: str
    date_from: dt.date
    date_to: dt.date | None


def class_pupils(class_group: ClassGroup, start: dt.date, end: dt.date) -> list[ClassPupil]:
    """Pupils in the class on at least one day of [start, end] (one query), by name; a
    pupil with two stays keeps the first arrival and the last departure."""
    found: dict[int, ClassPupil] = {}
    for pid, last, first, patronymic, date_from, date_to in (
        ClassMembership.objects.overlapping(start, end)
        .filter(class_group=class_group)
        .order_by("date_from", "id")
        .values_list(
            "pupil_id",
            "pupil__user__last_name",
            "pupil__user__first_name",
            "pupil__user__patronymic",
            "date_from",
            "date_to",
        )
    ):
        name = " ".join(p for p in (last, first, patronymic) if p)
        before = found.get(pid)
        found[pid] = ClassPupil(
            pid,
            name,
            before.date_from if before else date_from,
            None if date_to is None or (before and before.date_to is None) else date_to,
        )
    return sorted(found.values(), key=lambda p: (p.name, p.id))


def on_day(pupils: Iterable[ClassPupil], day: dt.date) -> list[ClassPupil]:
    return [p for p in pupils if p.date_from <= day and (p.date_to is None or p.date_to >= day)]


def subgroup_members(class_group: ClassGroup) -> dict[int, set[int]]:
    groups: dict[int, set[int]] = defaultdict(set)
    for subgroup_id, pupil_id in SubgroupMember.objects.filter(class_group=class_group).values_list(
        "subgroup_id", "pupil_id"
    ):
        groups[subgroup_id].add(pupil_id)
    return groups


def pupil_note(pupil: ClassPupil, start: dt.date, end: dt.date) -> str:
    """«(прибыл 12.01.2027)» / «(выбыл ...)» for a pupil who came or left in the range."""
    notes = []
    if pupil.date_from > start:
        notes.append(f"прибыл {pupil.date_from:%d.%m.%Y}")
    if pupil.date_to is not None and pupil.date_to < end:
        notes.append(f"выбыл {pupil.date_to:%d.%m.%Y}")
    return f"{pupil.name} ({', '.join(notes)})" if notes else pupil.name


def latest(moments: Iterable[dt.datetime | None]) -> dt.datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None
