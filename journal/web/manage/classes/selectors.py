"""Reads of the classes pages: the classes of a year, subjects, a class's subgroups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from journal.audit.services import access_log
from journal.roster import selectors as roster_selectors
from journal.roster.models import Pupil
from journal.structure import selectors as structure_selectors
from journal.structure.models import AcademicYear, ClassGroup, Subgroup, Subject
from journal.structure.selectors import SubjectSplit


def classes_of_year(*, year: AcademicYear | None, for_user: Any) -> QuerySet[ClassGroup]:
    """The year's classes with their class teachers and the number of pupils."""
    if year is None:
        return ClassGroup.objects.none()
    return (
        structure_selectors.class_list(for_user=for_user, year_id=year.pk)
        .select_related("class_teacher__user")
        .annotate(pupil_count=Count("pupils"))
    )


def subject_choices() -> QuerySet[Subject]:
    return Subject.objects.order_by("title")


@dataclass
class ClassSubgroups:
    splits: list[SubjectSplit]
    pupils: list[Pupil]


def class_subgroups(*, group: ClassGroup, for_user: Any) -> ClassSubgroups:
    """The class's subgroups by subject and its pupils (the read is logged, ROLE-4)."""
    splits = structure_selectors.subgroup_list(class_group_id=group.pk, for_user=for_user)
    pupils = list(roster_selectors.pupil_list(for_user=for_user, class_group_id=group.pk))
    access_log(
        user=for_user,
        action="read",
        what="web.manage_subgroups",
        pupil_ids=[p.pk for p in pupils],
        details={"class_group_id": group.pk},
    )
    return ClassSubgroups(splits=splits, pupils=pupils)


def subject_split(*, group: ClassGroup, subject_id: int | None) -> tuple[Subject, set[int]]:
    """The subject whose split is posted and the ids of its subgroups in the class (404 for
    an unknown subject). `group` comes from `class_group_get` (the access check)."""
    subject = Subject.objects.filter(pk=subject_id).first() if subject_id else None
    if subject is None:
        raise Http404
    ids = set(
        Subgroup.objects.filter(class_group=group, subject=subject).values_list("pk", flat=True)
    )
    return subject, ids
