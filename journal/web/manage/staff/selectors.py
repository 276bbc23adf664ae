"""Reads of the staff page and the staff choices of the administration forms."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts import roles
from journal.access import scope_for
from journal.structure.models import StaffMember


def staff_choices() -> QuerySet[StaffMember]:
    """Active staff by name, for the forms' choices (the pages' gate admits staff only)."""
    return (
        StaffMember.objects.filter(is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )


def teacher_choices() -> QuerySet[StaffMember]:
    return staff_choices().filter(user__groups__name=roles.TEACHER).distinct()


def staff_rows(*, for_user: Any) -> list[dict[str, Any]]:
    """Every member of staff (the working ones first) with the titles of their roles."""
    if not scope_for(for_user).is_staff:
        return []
    members = (
        StaffMember.objects.select_related("user")
        .prefetch_related("user__groups")
        .order_by("-is_active", "user__last_name", "user__first_name", "id")
    )
    return [
        {
            "member": m,
            "roles": [
                roles.SCHOOL_ROLES.get(g.name, g.name)
                for g in sorted(m.user.groups.all(), key=lambda g: g.name)
            ],
        }
        for m in members
    ]


def staff_member_get(*, staff_id: int, for_user: Any) -> StaffMember:
    """One member of staff, for staff (else 404, as for an id of another school)."""
    member = (
        StaffMember.objects.select_related("user").filter(pk=staff_id).first()
        if scope_for(for_user).is_staff
        else None
    )
    if member is None:
        raise Http404
    return member
