"""Reads of audit results."""

from __future__ import annotations

from django.db.models import QuerySet

from billing_free_check.models import SchoolAudit


def latest_school_audits() -> QuerySet[SchoolAudit]:
    """The newest audit of every school that has one (one row per school)."""
    return (
        SchoolAudit.objects.select_related("school")
        .order_by("school__slug", "school_id", "-ran_at", "-id")
        .distinct("school__slug", "school_id")
    )
