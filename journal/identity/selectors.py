"""Reads of the school's identity records, filtered by the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts import roles
from accounts.policy import SIGN_IN_ESIA, role_set
from journal.access import STAFF_ROLES, deny, scope_for
from journal.identity.models import ExternalIdentity, TemporaryLogin
from journal.roster.models import Consent, GuardianLink, Pupil

LEARNER_ROLES = frozenset({roles.PUPIL, roles.PARENT})


def linked_user_id(*, subject_hash: str) -> int | None:
    """The school-side account behind this subject hash, if the school linked one."""
    return (
        ExternalIdentity.objects.filter(subject_hash=subject_hash, user__is_active=True)
        .values_list("user_id", flat=True)
        .first()
    )


def role_names(user: Any) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def sso_refusal(user: Any) -> str | None:
    """Why this account may not sign in through Госуслуги now (None: may). ROLE-2, SET-5,
    TPL-5: parents and pupils by the consent in force; staff only where the school's
    regulation names ЕСИА for staff (002 §3.1); roles never mix."""
    names = role_names(user)
    if not names or (names & LEARNER_ROLES and names & STAFF_ROLES):
        return "Эта учётная запись не предназначена для входа через Госуслуги."
    if names <= STAFF_ROLES:
        return staff_esia_refusal()
    return learner_refusal(user)


def staff_esia_refusal() -> str | None:
    """None when the adopted regulation lets staff sign in through Госуслуги (002 §3.1)."""
    from catalog.selectors import current_rules

    if SIGN_IN_ESIA in current_rules().sign_in.get("staff", ()):
        return None
    return "По положению школы сотрудники входят по логину и паролю, не через Госуслуги."


def learner_refusal(user: Any) -> str | None:
    """Why this parent or pupil may not sign in now (None: may). ROLE-2, SET-5."""
    names = role_names(user)
    if not names or not names <= LEARNER_ROLES or names & STAFF_ROLES:
        return "Эта учётная запись не предназначена для входа через Госуслуги."

    if refusal := esia_sign_in_refusal(user):
        return refusal
    consent_in_force = Consent.objects.filter(revoked_on__isnull=True)
    if (
        roles.PARENT in names
        and GuardianLink.objects.filter(
            guardian__user=user, pupil__in=consent_in_force.values("pupil_id")
        ).exists()
    ):
        return None
    if roles.PUPIL in names and consent_in_force.filter(pupil__user=user).exists():
        return None
    return (
        "Доступ к данным откроется после того, как школа внесёт письменное согласие "
        "родителя (законного представителя) на обработку персональных данных."
    )


def sso_session_allowed(user: Any) -> bool:
    """A session from an SSO hand-over may go on: the account is still linked and
    `sso_refusal` has nothing against it (ROLE-2, SET-5; a regulation that stops staff
    signing in through Госуслуги ends their SSO sessions too)."""
    return ExternalIdentity.objects.filter(user=user).exists() and sso_refusal(user) is None


def temporary_login_in_force(user: Any) -> bool:
    return temporary_login_active(user=user) is not None


def temporary_login_active(*, user: Any, now: dt.datetime | None = None) -> TemporaryLogin | None:
    """The pupil's temporary login in force (issued, not revoked, not expired)."""
    moment = now or timezone.now()
    return (
        TemporaryLogin.objects.filter(
            pupil__user=user, revoked_at__isnull=True, expires_at__gt=moment
        )
        .order_by("-issued_at")
        .first()
    )


def temporary_login_list(*, for_user: Any) -> QuerySet[TemporaryLogin]:
    """For the class teacher (own classes) and the journal administrator / director (all)."""
    scope = scope_for(for_user)
    qs = TemporaryLogin.objects.select_related("pupil__user", "pupil__class_group", "issued_by")
    if scope.has(roles.JOURNAL_ADMIN, roles.DIRECTOR):
        return qs
    if scope.class_ids:
        return qs.filter(pupil__class_group_id__in=scope.class_ids)
    raise deny("Временные логины видят классный руководитель и администратор ЭЖ.")


@dataclass(frozen=True)
class ParticipationRow:
    pupil_id: int
    pupil_name: str
    pupil_last_sign_in: dt.datetime | None
    parents: list[tuple[str, dt.datetime | None]]


def _may_see_participation(scope: Any, class_group_id: int) -> bool:
    return scope.has(roles.DEPUTY, roles.DIRECTOR) or class_group_id in scope.class_ids


def participation_for_class(*, class_group_id: int, for_user: Any) -> list[ParticipationRow]:
    """DIA-4: last sign-in of each pupil of the class and of their parents."""
    scope = scope_for(for_user)
    if not _may_see_participation(scope, class_group_id):
        raise deny("Участие родителей и обучающихся видят классный руководитель и заместитель.")
    pupils = list(
        Pupil.objects.filter(class_group_id=class_group_id)
        .select_related("user__participation")
        .prefetch_related("guardian_links__guardian__user__participation")
        .order_by("user__last_name", "user__first_name", "id")
    )
    rows = []
    for pupil in pupils:
        own = getattr(pupil.user, "participation", None)
        parents = []
        for link in pupil.guardian_links.all():
            puser = link.guardian.user
            p = getattr(puser, "participation", None)
            parents.append((puser.full_name, p.last_sign_in_at if p else None))
        rows.append(
            ParticipationRow(
                pupil_id=pupil.pk,
                pupil_name=pupil.user.full_name,
                pupil_last_sign_in=own.last_sign_in_at if own else None,
                parents=parents,
            )
        )
    return rows


def esia_sign_in_refusal(user: Any) -> str | None:
    """Why a parent or pupil may not sign in through Госуслуги in this school by its
    regulation (None: may). Consent and roles are checked by `learner_refusal`."""
    from catalog.selectors import current_rules

    sign_in = current_rules().sign_in
    for role, kind in ((roles.PUPIL, "pupil"), (roles.PARENT, "parent")):
        if role in role_set(user) and SIGN_IN_ESIA not in sign_in.get(kind, ()):
            return (
                "По положению школы вход через Госуслуги для этой учётной записи не предусмотрен."
            )
    return None
