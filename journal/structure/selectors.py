"""Reads of the structure, filtered by the acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from journal.access import scope_for
from journal.roster.selectors import visible_class_ids_q
from journal.structure.models import ClassGroup, TimetableEntry


def class_list(*, for_user: Any) -> QuerySet[ClassGroup]:
    """Classes: the whole school for the administration, own classes for teachers."""
    scope = scope_for(for_user)
    if not scope.is_staff:
        return ClassGroup.objects.none()
    return ClassGroup.objects.filter(visible_class_ids_q(scope)).order_by("grade", "letter")


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
        from journal.roster.models import Pupil

        qs = qs.filter(
            class_group_id__in=Pupil.objects.filter(id__in=scope.personal_pupil_ids).values(
                "class_group_id"
            )
        )
    if class_group_id is None and teacher_id is None and room is None:
        raise Http404
    filters = Q()
    if class_group_id is not None:
        filters &= Q(class_group_id=class_group_id)
    if teacher_id is not None:
        filters &= Q(teacher_id=teacher_id)
    if room is not None:
        filters &= Q(room=room)
    return qs.filter(filters).order_by("weekday", "slot")
