"""Reads of the class teacher's pages: the class list with parents, consent and sign-ins
(DIA-4), one pupil's card, temporary pupil logins (SEC-2).

The class teacher of the pupil's class reads and acts; the director and deputies read only;
anybody else gets 404 for a pupil (nothing is revealed). Every read of pupils' data here is
written to the access log (ROLE-4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone

from journal.access import Scope, deny, scope_for
from journal.audit.services import access_log
from journal.identity import selectors as identity_selectors
from journal.identity.models import TemporaryLogin
from journal.roster.models import Consent, GuardianLink, Pupil
from journal.structure.models import ClassGroup

ACTIVE = "действует"  # a temporary login in force (the card's status column)
ACT_REFUSAL = "Действия с карточкой выполняет классный руководитель класса."


def may_read(scope: Scope, class_group_id: int | None) -> bool:
    return scope.whole_school or (class_group_id is not None and class_group_id in scope.class_ids)


def may_act(scope: Scope, class_group_id: int | None) -> bool:
    return class_group_id is not None and class_group_id in scope.class_ids and scope.is_staff


@dataclass
class ClassPupils:
    rows: list[dict[str, Any]]
    can_act: bool


def class_pupils(*, group: ClassGroup, for_user: Any) -> ClassPupils:
    """The class: each pupil with parents, consent, sign-ins and a temporary login in force.
    `group` comes from `led_classes` (the access check)."""
    participation = identity_selectors.participation_for_class(
        class_group_id=group.pk, for_user=for_user
    )
    ids = [row.pupil_id for row in participation]
    with_consent = set(
        Consent.objects.filter(pupil_id__in=ids, revoked_on__isnull=True).values_list(
            "pupil_id", flat=True
        )
    )
    with_login = set(
        TemporaryLogin.objects.filter(
            pupil_id__in=ids, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).values_list("pupil_id", flat=True)
    )
    access_log(
        user=for_user,
        action="read",
        what="web.class_pupils",
        pupil_ids=ids,
        details={"class_group_id": group.pk},
    )
    rows = [
        {
            "p": row,
            "consent": row.pupil_id in with_consent,
            "temporary_login": row.pupil_id in with_login,
        }
        for row in participation
    ]
    return ClassPupils(rows=rows, can_act=may_act(scope_for(for_user), group.pk))


def pupil_for_card(*, pupil_id: int, for_user: Any, to_act: bool = False) -> Pupil:
    """The pupil, if the user may read their card (404 otherwise); `to_act`: and may act
    on it as the class teacher (403 otherwise)."""
    scope = scope_for(for_user)
    pupil = (
        Pupil.objects.select_related("user__participation", "class_group")
        .filter(pk=pupil_id)
        .first()
        if scope.is_staff
        else None
    )
    if pupil is None or not may_read(scope, pupil.class_group_id):
        raise Http404
    if to_act and not may_act(scope, pupil.class_group_id):
        raise deny(ACT_REFUSAL)
    return pupil


def login_status(record: TemporaryLogin, now: dt.datetime) -> str:
    if record.revoked_at is not None:
        return "отозван"
    if record.expires_at <= now:
        return "истёк"
    return ACTIVE


@dataclass
class PupilCard:
    pupil: Pupil
    participation: Any
    links: list[dict[str, Any]]
    consents: list[Consent]
    logins: list[dict[str, Any]]
    can_act: bool

    @property
    def consent_in_force(self) -> bool:
        return any(c.revoked_on is None for c in self.consents)


def pupil_card(*, pupil: Pupil, for_user: Any) -> PupilCard:
    """One pupil's card: data, parents and their sign-ins, consents, temporary logins.
    `pupil` comes from `pupil_for_card` (the access check); the read is logged."""
    now = timezone.now()
    links: list[GuardianLink] = list(
        pupil.guardian_links.select_related("guardian__user__participation").order_by(
            "guardian__user__last_name", "id"
        )
    )
    consents = list(
        pupil.consents.select_related("guardian__user", "recorded_by").order_by("-signed_on", "-id")
    )
    logins = []
    for r in (
        TemporaryLogin.objects.filter(pupil=pupil)
        .select_related("issued_by", "revoked_by")
        .order_by("-issued_at", "-id")
    ):
        status = login_status(r, now)
        logins.append({"record": r, "status": status, "active": status == ACTIVE})
    access_log(
        user=for_user,
        action="read",
        what="web.pupil_card",
        pupil_ids=[pupil.pk],
        details={"class_group_id": pupil.class_group_id},
    )
    return PupilCard(
        pupil=pupil,
        participation=getattr(pupil.user, "participation", None),
        links=[
            {"link": link, "participation": getattr(link.guardian.user, "participation", None)}
            for link in links
        ],
        consents=consents,
        logins=logins,
        can_act=may_act(scope_for(for_user), pupil.class_group_id),
    )


def temporary_login_for_revoke(*, temporary_login_id: int, for_user: Any) -> TemporaryLogin:
    """A temporary login of a pupil whose card the user reads (404 otherwise), if they may
    act on it as the class teacher (403 otherwise)."""
    scope = scope_for(for_user)
    record = (
        TemporaryLogin.objects.select_related("pupil__user").filter(pk=temporary_login_id).first()
        if scope.is_staff
        else None
    )
    if record is None or not may_read(scope, record.pupil.class_group_id):
        raise Http404
    if not may_act(scope, record.pupil.class_group_id):
        raise deny(ACT_REFUSAL)
    return record


def card_person(*, pupil: Pupil, user_id: int) -> Any:
    """The pupil's own account or a linked parent's, by user id (else 404)."""
    if pupil.user_id == user_id:
        return pupil.user
    link = (
        pupil.guardian_links.select_related("guardian__user")
        .filter(guardian__user_id=user_id)
        .first()
    )
    if link is None:
        raise Http404
    return link.guardian.user
