"""Reads of pupils, filtered once by the acting user (ROLE-1, SET-5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from journal.access import ROSTER_MANAGERS, Scope, scope_for
from journal.audit.services import access_log
from journal.roster.models import ClassMembership, Pupil
from journal.structure.models import ClassGroup, TeachingAssignment
from journal.structure.selectors import visible_class_ids_q


def visible_pupils_q(scope: Scope) -> Q:
    """Pupils the scope may read: no extra query, the id sets are already in the scope."""
    if scope.whole_school or scope.roles & ROSTER_MANAGERS:
        return Q()
    q = Q(id__in=scope.personal_pupil_ids)
    if scope.assignment_ids:
        q |= Q(
            class_group_id__in=TeachingAssignment.objects.filter(
                id__in=scope.assignment_ids
            ).values("class_group_id")
        )
    if scope.class_ids:
        q |= Q(class_group_id__in=scope.class_ids)
    return q


def pupil_list(
    *,
    for_user: Any,
    class_group_id: int | None = None,
    grade: int | None = None,
    search: str | None = None,
) -> QuerySet[Pupil]:
    """Pupils the user may see; by class, by parallel, by the start of the surname."""
    scope = scope_for(for_user)
    qs = Pupil.objects.filter(visible_pupils_q(scope)).select_related("user", "class_group")
    if class_group_id is not None:
        # A class that does not exist here is 404, not an empty list (TEN-3).
        if not ClassGroup.objects.filter(pk=class_group_id).exists():
            raise Http404
        qs = qs.filter(class_group_id=class_group_id)
    if grade is not None:
        qs = qs.filter(class_group__grade=grade)
    if search:
        qs = qs.filter(user__last_name__istartswith=search.strip())
    return qs.order_by("user__last_name", "user__first_name", "id")


def pupil_get(*, pupil_id: int, for_user: Any) -> Pupil:
    """One pupil's card; 404 when the user may not see them. The read is logged (ROLE-4)."""
    scope = scope_for(for_user)
    pupil = (
        Pupil.objects.filter(visible_pupils_q(scope), id=pupil_id)
        .select_related("user", "class_group")
        .first()
    )
    if pupil is None:
        raise Http404
    access_log(user=for_user, action="read", what="roster.pupil", pupil_ids=[pupil.pk])
    return pupil


def class_list_on(*, class_group_id: int, on_date: dt.date, for_user: Any) -> list[Pupil]:
    """Список класса на дату: who was in the class that day (SET-4)."""
    scope = scope_for(for_user)
    if not scope.is_staff:
        raise Http404
    group = ClassGroup.objects.filter(visible_class_ids_q(scope), id=class_group_id).first()
    if group is None:
        raise Http404
    pupils = list(
        Pupil.objects.filter(
            id__in=ClassMembership.objects.on(on_date)
            .filter(class_group_id=class_group_id)
            .values("pupil_id")
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )
    access_log(
        user=for_user,
        action="read",
        what="roster.class_list",
        pupil_ids=[p.pk for p in pupils],
        details={"class_group_id": class_group_id, "on": on_date.isoformat()},
    )
    return pupils
