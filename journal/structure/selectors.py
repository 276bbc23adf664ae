"""Reads of the structure, filtered by the acting user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from journal.access import ROSTER_MANAGERS, Scope, scope_for
from journal.structure.models import (
    AcademicYear,
    ClassGroup,
    StaffMember,
    Subgroup,
    SubgroupMember,
    TeachingAssignment,
    TimetableEntry,
)


def visible_class_ids_q(scope: Scope) -> Q:
    """Classes the scope may list (staff with a relation to the class)."""
    if scope.whole_school or scope.roles & ROSTER_MANAGERS:
        return Q()
    q = Q(id__in=scope.class_ids)
    if scope.assignment_ids:
        q |= Q(
            id__in=TeachingAssignment.objects.filter(id__in=scope.assignment_ids).values(
                "class_group_id"
            )
        )
    return q


def class_list(
    *, for_user: Any, year_id: int | None = None, grade: int | None = None
) -> QuerySet[ClassGroup]:
    """Classes: the whole school for the administration, own classes for teachers;
    optionally of one school year and one parallel."""
    scope = scope_for(for_user)
    if not scope.is_staff:
        return ClassGroup.objects.none()
    qs = ClassGroup.objects.filter(visible_class_ids_q(scope))
    if year_id is not None:
        qs = qs.filter(year_id=year_id)
    if grade is not None:
        qs = qs.filter(grade=grade)
    return qs.order_by("grade", "letter")


def timetable(
    *,
    for_user: Any,
    class_group_id: int | None = None,
    teacher_id: int | None = None,
    room: str | None = None,
) -> QuerySet[TimetableEntry]:
    """The timetable by class, teacher or room (SET-3). Staff read the school's timetable;
    pupils and parents read their class's."""
    scope = scope_for(for_user)
    qs = TimetableEntry.objects.select_related("class_group", "assignment__subject")
    if not scope.is_staff:
        qs = qs.filter(
            class_group_id__in=ClassGroup.objects.filter(
                pupils__id__in=scope.personal_pupil_ids
            ).values("id")
        )
    if class_group_id is None and teacher_id is None and room is None:
        raise Http404
    # A class or teacher that does not exist here is 404, not an empty timetable (TEN-3).
    if class_group_id is not None and not ClassGroup.objects.filter(pk=class_group_id).exists():
        raise Http404
    if teacher_id is not None and not StaffMember.objects.filter(pk=teacher_id).exists():
        raise Http404
    filters = Q()
    if class_group_id is not None:
        filters &= Q(class_group_id=class_group_id)
    if teacher_id is not None:
        filters &= Q(teacher_id=teacher_id)
    if room is not None:
        filters &= Q(room=room)
    return qs.filter(filters).order_by("weekday", "slot")


def academic_year_list(*, for_user: Any) -> QuerySet[AcademicYear]:
    """School years with their periods and bells, for staff (SET-1)."""
    if not scope_for(for_user).is_staff:
        return AcademicYear.objects.none()
    return AcademicYear.objects.prefetch_related("periods", "bell_slots").order_by("-starts_on")


def academic_year_get(*, year_id: int, for_user: Any) -> AcademicYear:
    """One school year; 404 for anyone outside staff or an id of no year of this school."""
    year = academic_year_list(for_user=for_user).filter(id=year_id).first()
    if year is None:
        raise Http404
    return year


def class_group_get(*, class_group_id: int, for_user: Any) -> ClassGroup:
    """A class the user may list (administration: all; teachers: their own), else 404."""
    group = class_list(for_user=for_user).filter(id=class_group_id).select_related("year").first()
    if group is None:
        raise Http404
    return group


@dataclass(frozen=True)
class SubjectSplit:
    """How a subject of a class is split into subgroups (SET-2)."""

    subject_id: int
    subject: str
    subgroups: list[tuple[Subgroup, list[int]]]
    unassigned_pupil_ids: list[int]


def subgroup_list(*, class_group_id: int, for_user: Any) -> list[SubjectSplit]:
    """The class's subgroups by subject with their pupils, and the pupils of the class who
    are in no subgroup of a split subject yet (to be distributed, SET-2)."""
    group = class_group_get(class_group_id=class_group_id, for_user=for_user)
    subgroups = list(
        Subgroup.objects.filter(class_group=group).select_related("subject").order_by("title")
    )
    members: dict[int, list[int]] = {}
    for subgroup_id, pupil_id in SubgroupMember.objects.filter(class_group=group).values_list(
        "subgroup_id", "pupil_id"
    ):
        members.setdefault(subgroup_id, []).append(pupil_id)
    class_pupils = sorted(group.pupils.values_list("id", flat=True))
    by_subject: dict[int, list[Subgroup]] = {}
    for sub in subgroups:
        by_subject.setdefault(sub.subject_id, []).append(sub)
    result = []
    for subject_id, subs in sorted(by_subject.items(), key=lambda kv: kv[1][0].subject.title):
        assigned = {pid for sub in subs for pid in members.get(sub.pk, [])}
        result.append(
            SubjectSplit(
                subject_id=subject_id,
                subject=subs[0].subject.title,
                subgroups=[(sub, sorted(members.get(sub.pk, []))) for sub in subs],
                unassigned_pupil_ids=[p for p in class_pupils if p not in assigned],
            )
        )
    return result


def readable_assignments_q(scope: Scope) -> Q:
    """Assignments whose journal the scope may read, as a condition for related rows
    (lessons, marks): the same rule as `TeachingAssignment.objects.readable_by(scope)`."""
    if scope.whole_school:
        return Q()
    return Q(id__in=scope.assignment_ids) | Q(class_group_id__in=scope.class_ids)


def assignment_for_reading(
    *, assignment_id: int, for_user: Any
) -> tuple[TeachingAssignment, Scope]:
    scope = scope_for(for_user)
    assignment = (
        TeachingAssignment.objects.readable_by(scope)
        .filter(id=assignment_id)
        .select_related("subject", "class_group", "subgroup", "teacher__user", "year")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment, scope


def academic_year_current() -> AcademicYear | None:
    """The school's current academic year, else the latest one; None in a school without.

    A school's years are not personal data: every staff page may show which is current."""
    return (
        AcademicYear.objects.filter(is_current=True).first()
        or AcademicYear.objects.order_by("-starts_on").first()
    )
