"""What the portal asks of a school's schema, supplied by the school-side identity app.

The portal (public schema, this app) links a signed-in person to a school record and
finds their account there; the school records live in `journal.identity`. That app
depends on this one (hashes, the subject index, tickets), so the portal does not import
it back: `journal.identity` registers its functions here when Django starts
(`AppConfig.ready`). Every call is made inside the school's `schema_context`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class InvitationRedeem(Protocol):
    def __call__(self, *, code: str, subject_hash: str) -> object: ...


class LinkByAttribute(Protocol):
    def __call__(self, *, subject_hash: str, snils_hash: str) -> object | None: ...


class LinkedUserId(Protocol):
    def __call__(self, *, subject_hash: str) -> int | None: ...


@dataclass(frozen=True)
class SchoolSide:
    invitation_redeem: InvitationRedeem  # raises ApplicationError on a bad code
    link_by_attribute: LinkByAttribute  # None when the school holds no matching record
    linked_user_id: LinkedUserId


_registered: list[SchoolSide] = []


def register(side: SchoolSide) -> None:
    _registered[:] = [side]


def school_side() -> SchoolSide:
    if not _registered:
        raise ImproperlyConfigured("journal.identity is not installed: no school side for SSO.")
    return _registered[0]
