"""Reads of the public SSO index."""

from __future__ import annotations

from django.db.models import QuerySet

from identity.models import SubjectIndex
from tenants.models import School


def schools_for_subject(*, subject_hash: str) -> QuerySet[School]:
    """Active schools where the person behind this hash has an account."""
    return (
        School.objects.filter(
            status=School.Status.ACTIVE,
            id__in=SubjectIndex.objects.filter(subject_hash=subject_hash).values("school_id"),
        )
        .prefetch_related("domains")
        .order_by("short_name", "id")
    )


def school_host(school: School) -> str:
    domain = school.domains.filter(is_primary=True).first() or school.domains.first()
    return domain.domain if domain else ""
