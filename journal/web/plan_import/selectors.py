"""Reads of the КТП upload page (PLAN-2)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from journal.access import STRUCTURE_MANAGERS, scope_for
from journal.structure.models import TeachingAssignment
from journal.structure.selectors import academic_year_current


def plan_import_assignments(*, for_user: Any) -> list[TeachingAssignment]:
    """Assignments whose КТП the user may load: all for the administration, own for a teacher."""
    scope = scope_for(for_user)
    q: Q
    if scope.roles & STRUCTURE_MANAGERS:
        q = Q()
    elif scope.assignment_ids and not scope.is_pupil:
        q = Q(id__in=scope.assignment_ids)
    else:
        return []
    year = academic_year_current()
    qs = TeachingAssignment.objects.filter(q)
    if year is not None:
        qs = qs.filter(year=year)
    return list(
        qs.select_related("subject", "class_group", "subgroup", "teacher__user").order_by(
            "class_group__grade", "class_group__letter", "subject__title"
        )
    )
