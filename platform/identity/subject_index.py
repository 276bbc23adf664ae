"""The SSO subject index: a keyed hash of the provider's subject id -> the schools where
that person has an account (public schema; nothing else about the person).

Written by the school side when a school record is linked or unlinked (in
`journal.identity.services`), read by the portal. It imports only its model, so both
sides import it and it imports neither.
"""

from __future__ import annotations

from identity.models import SubjectIndex


def subject_index_add(*, subject_hash: str, school_id: int) -> None:
    """Record that this person has an account in the school (idempotent)."""
    SubjectIndex.objects.get_or_create(subject_hash=subject_hash, school_id=school_id)


def subject_index_remove(*, subject_hash: str, school_id: int) -> None:
    SubjectIndex.objects.filter(subject_hash=subject_hash, school_id=school_id).delete()


def subject_index_has(*, subject_hash: str, school_id: int) -> bool:
    return SubjectIndex.objects.filter(subject_hash=subject_hash, school_id=school_id).exists()
