"""The school's identity services: linking, invitation codes, temporary pupil logins,
staff password resets, participation (SEC-1..3, SET-5, ROLE-2, DIA-4)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts import roles
from accounts.services import password_issue
from core.errors import ApplicationError
from core.tenancy import db
from identity.hashing import snils_hash
from identity.subject_index import subject_index_add, subject_index_remove
from journal.access import ROSTER_MANAGERS, STAFF_ROLES, deny, scope_for
from journal.identity.models import (
    ExternalIdentity,
    IdentityAttribute,
    InvitationCode,
    Participation,
    PasswordReset,
    TemporaryLogin,
)
from journal.identity.selectors import (
    LEARNER_ROLES,
    role_names,
    staff_esia_refusal,
    temporary_login_active,
)
from journal.roster.models import Consent, GuardianLink, Pupil

# Crockford-like alphabet: no 0/O, 1/I/L confusion when read aloud or copied by hand.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LEN = 4


def _code_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch in CODE_ALPHABET)
    return hashlib.sha256(f"{db.schema_name}:{normal}".encode()).hexdigest()


def _new_code() -> str:
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LEN))
        for _ in range(CODE_GROUPS)
    )


def _school_id() -> int:
    """The current school's id in the public registry (schema_context has no real tenant)."""
    from tenants.models import School

    return int(School.objects.only("id").get(schema_name=db.schema_name).pk)


def _learner_pupil_ids(user: Any) -> set[int]:
    """Pupils a learner account stands for: itself (pupil) or linked children (parent)."""
    ids = set(Pupil.objects.filter(user=user).values_list("id", flat=True))
    ids |= set(GuardianLink.objects.filter(guardian__user=user).values_list("pupil_id", flat=True))
    return ids


def _require_linkable(user: Any) -> None:
    """Parents and pupils may be linked to Госуслуги; staff only where the regulation
    names ЕСИА for staff (002 §3.1); an account mixing both kinds never."""
    names = role_names(user)
    if names and names <= LEARNER_ROLES:
        return
    if names and names <= STAFF_ROLES:
        if staff_esia_refusal() is None:
            return
        raise ApplicationError(
            "По положению школы сотрудники входят по логину и паролю: "
            "связать сотрудника с Госуслугами нельзя."
        )
    raise ApplicationError(
        "Связать с Госуслугами можно только учётную запись родителя или обучающегося, "
        "а сотрудника — если положение школы предусматривает вход сотрудников через ЕСИА."
    )


def _may_manage_person(by: Any, person: Any) -> bool:
    """Roster managers; the class teacher of the person's (or their child's) class; for a
    staff member's link, the journal administrator and the director (who keep staff
    accounts)."""
    scope = scope_for(by)
    if role_names(person) & STAFF_ROLES:
        return scope.has(roles.JOURNAL_ADMIN, roles.DIRECTOR)
    if scope.roles & ROSTER_MANAGERS:
        return True
    if not scope.class_ids:
        return False
    classes = set(
        Pupil.objects.filter(id__in=_learner_pupil_ids(person)).values_list(
            "class_group_id", flat=True
        )
    )
    return bool(classes & scope.class_ids)


@transaction.atomic
def invitation_issue(*, person: Any, by: Any, valid_days: int = 14) -> tuple[InvitationCode, str]:
    """A one-time code for a parent or pupil (or a staff member, where staff sign in through
    Госуслуги); the code is shown once, only its hash kept."""
    if not _may_manage_person(by, person):
        raise deny("Код приглашения выдаёт классный руководитель или администратор ЭЖ.")
    _require_linkable(person)
    # A new code replaces the person's unused ones.
    InvitationCode.objects.filter(user=person, used_at__isnull=True).delete()
    code = _new_code()
    invitation = InvitationCode.objects.create(
        user=person,
        code_hash=_code_hash(code),
        issued_by=by,
        expires_at=timezone.now() + dt.timedelta(days=valid_days),
    )
    return invitation, code


def _link(*, user: Any, subject_hash: str, method: str) -> ExternalIdentity:
    existing = ExternalIdentity.objects.filter(subject_hash=subject_hash).first()
    if existing is not None and existing.user_id != user.pk:
        raise ApplicationError(
            "Эта учётная запись Госуслуг уже связана с другим человеком в этой школе. "
            "Обратитесь к администратору ЭЖ."
        )
    if ExternalIdentity.objects.filter(user=user).exclude(subject_hash=subject_hash).exists():
        raise ApplicationError(
            "Эта запись школы уже связана с другой учётной записью Госуслуг. "
            "Обратитесь к администратору ЭЖ."
        )
    link, _ = ExternalIdentity.objects.get_or_create(
        user=user, defaults={"subject_hash": subject_hash, "method": method}
    )
    subject_index_add(subject_hash=subject_hash, school_id=_school_id())
    return link


@transaction.atomic
def invitation_redeem(*, code: str, subject_hash: str) -> ExternalIdentity:
    """Link the signed-in person to the invited record (in the current school)."""
    invitation = (
        InvitationCode.objects.select_for_update()
        .filter(code_hash=_code_hash(code), used_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("user")
        .first()
    )
    if invitation is None:
        raise ApplicationError("Код приглашения неверен, уже использован или истёк.")
    _require_linkable(invitation.user)
    link = _link(
        user=invitation.user, subject_hash=subject_hash, method=ExternalIdentity.Method.INVITATION
    )
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return link


@transaction.atomic
def identity_attribute_record(*, person: Any, snils: str, by: Any) -> IdentityAttribute:
    """Record a person's СНИЛС as verified by the school (hash only)."""
    if not _may_manage_person(by, person):
        raise deny()
    _require_linkable(person)
    value_hash = snils_hash(snils)
    if not value_hash:
        raise ValidationError({"snils": ["СНИЛС: 11 цифр с верной контрольной суммой."]})
    try:
        with transaction.atomic():
            attribute, _ = IdentityAttribute.objects.update_or_create(
                user=person,
                kind=IdentityAttribute.Kind.SNILS,
                defaults={"value_hash": value_hash, "recorded_by": by},
            )
    except IntegrityError as exc:
        raise ValidationError({"snils": ["Этот СНИЛС уже указан у другого человека."]}) from exc
    return attribute


@transaction.atomic
def identity_link_by_attribute(*, subject_hash: str, snils_hash: str) -> ExternalIdentity | None:
    """Link by a verified СНИЛС the school already holds (never by name)."""
    if not snils_hash:
        return None
    attribute = (
        IdentityAttribute.objects.filter(
            kind=IdentityAttribute.Kind.SNILS, value_hash=snils_hash, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if attribute is None:
        return None
    try:
        _require_linkable(attribute.user)
    except ApplicationError:
        return None
    return _link(
        user=attribute.user, subject_hash=subject_hash, method=ExternalIdentity.Method.ATTRIBUTES
    )


@transaction.atomic
def identity_unlink(*, person: Any, by: Any) -> None:
    if not _may_manage_person(by, person):
        raise deny()
    link = ExternalIdentity.objects.filter(user=person).first()
    if link is None:
        return
    subject_index_remove(subject_hash=link.subject_hash, school_id=_school_id())
    link.delete()


# --- temporary pupil logins (SEC-2) --------------------------------------------------------


@transaction.atomic
def temporary_login_issue(
    *,
    pupil: Pupil,
    request_reason: str,
    request_date: dt.date,
    by: Any,
    valid_days: int | None = None,
) -> tuple[TemporaryLogin, str, str]:
    """The class teacher (or the journal administrator, as the school's regulation says:
    004 §3.2 vs §5.4, TPL-5) issues a temporary login on a written request; returns
    (record, username, password) — the password is shown once."""
    from accounts.policy import SIGN_IN_TEMPORARY
    from catalog.selectors import current_rules

    scope = scope_for(by)
    rules = current_rules()
    if SIGN_IN_TEMPORARY not in rules.sign_in.get("pupil", ()):
        raise ApplicationError("По положению школы временные логины обучающимся не выдаются.")
    issuers = rules.temporary_login_issuers
    own_class = pupil.class_group_id is not None and pupil.class_group_id in scope.class_ids
    if not (
        ("class_teacher" in issuers and own_class)
        or ("journal_admin" in issuers and scope.has(roles.JOURNAL_ADMIN))
    ):
        who = {
            "class_teacher": "классный руководитель обучающегося",
            "journal_admin": "администратор ЭЖ",
        }
        raise deny("Временный логин выдаёт " + " или ".join(who[i] for i in issuers) + ".")
    errors: dict[str, list[str]] = {}
    if not (request_reason or "").strip():
        errors["request_reason"] = ["Укажите причину из письменного заявления."]
    if request_date > timezone.localdate():
        errors["request_date"] = ["Дата заявления не может быть в будущем."]
    days = valid_days or settings.TEMPORARY_LOGIN_DAYS
    if not 1 <= days <= settings.TEMPORARY_LOGIN_MAX_DAYS:
        errors["valid_days"] = [f"Срок действия: от 1 до {settings.TEMPORARY_LOGIN_MAX_DAYS} дней."]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    TemporaryLogin.objects.filter(pupil=pupil, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    record = TemporaryLogin.objects.create(
        pupil=pupil,
        request_reason=request_reason.strip(),
        request_date=request_date,
        issued_by=by,
        expires_at=now + dt.timedelta(days=days),
    )
    password = password_issue(user=pupil.user)
    return record, pupil.user.get_username(), password


@transaction.atomic
def temporary_login_revoke(*, temporary_login: TemporaryLogin, by: Any) -> TemporaryLogin:
    scope = scope_for(by)
    class_id = temporary_login.pupil.class_group_id
    if not (scope.has(roles.JOURNAL_ADMIN) or (class_id and class_id in scope.class_ids)):
        raise deny("Отозвать временный логин может классный руководитель или администратор ЭЖ.")
    if temporary_login.revoked_at is None:
        temporary_login.revoked_at = timezone.now()
        temporary_login.revoked_by = by
        temporary_login.save(update_fields=["revoked_at", "revoked_by"])
        user = temporary_login.pupil.user
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return temporary_login


def consent_revoked(*, pupil: Pupil, by: Any) -> int:
    """On `roster.signals.consent_revoked` (sent by `consent_revoke`, SET-5): once the
    pupil has no consent in force, running sessions of the pupil and of parents with no
    other child in force end.

    SSO sessions end by themselves: `SsoSessionBackend.user_can_authenticate` re-checks
    consent on every request. A temporary pupil login is revoked here (its password made
    unusable), which ends a password session too. Returns how many logins were revoked.
    """
    if Consent.objects.filter(pupil=pupil, revoked_on__isnull=True).exists():
        return 0
    revoked = 0
    for record in TemporaryLogin.objects.select_for_update().filter(
        pupil=pupil, revoked_at__isnull=True
    ):
        record.revoked_at = timezone.now()
        record.revoked_by = by
        record.save(update_fields=["revoked_at", "revoked_by"])
        revoked += 1
    if revoked:
        user = pupil.user
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return revoked


def temporary_login_first_use(*, temporary_login: TemporaryLogin) -> None:
    if temporary_login.first_used_at is None:
        TemporaryLogin.objects.filter(pk=temporary_login.pk, first_used_at__isnull=True).update(
            first_used_at=timezone.now()
        )


def temporary_login_signed_in(*, user: Any) -> None:
    """A pupil finished a password sign-in: the temporary login's first use, participation."""
    temporary = temporary_login_active(user=user)
    if temporary is not None:
        temporary_login_first_use(temporary_login=temporary)
    participation_record(user=user, method=Participation.Method.TEMPORARY)


def temporary_login_password_changed(*, user: Any) -> None:
    TemporaryLogin.objects.filter(
        pupil__user=user, revoked_at__isnull=True, password_changed_at__isnull=True
    ).update(password_changed_at=timezone.now())


# --- staff passwords (SEC-3) -----------------------------------------------------------------


@transaction.atomic
def staff_password_reset(*, user: Any, by: Any, reason: str = "") -> str:
    """The journal administrator resets a staff member's password; returns the new one
    (shown once), forces a change at the next sign-in, clears the lockout, records it."""
    if not scope_for(by).has(roles.JOURNAL_ADMIN):
        raise deny("Пароль сотрудника сбрасывает администратор ЭЖ.")
    if not role_names(user) & STAFF_ROLES:
        raise ApplicationError("Сбросить пароль можно только сотруднику школы.")
    password = password_issue(user=user)
    PasswordReset.objects.create(user=user, reset_by=by, reason=(reason or "").strip()[:300])
    from axes.utils import reset as axes_reset

    axes_reset(username=user.get_username())
    return password


# --- participation (DIA-4) -------------------------------------------------------------------


def participation_record(*, user: Any, method: str) -> None:
    """One sign-in of a parent or pupil (an upsert; no personal data beyond the moment)."""
    now = timezone.now()
    updated = Participation.objects.filter(user=user).update(
        last_sign_in_at=now, last_method=method, sign_in_count=F("sign_in_count") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                Participation.objects.create(
                    user=user, last_sign_in_at=now, last_method=method, sign_in_count=1
                )
        except IntegrityError:
            Participation.objects.filter(user=user).update(
                last_sign_in_at=now, last_method=method, sign_in_count=F("sign_in_count") + 1
            )


def on_consent_revoked(sender: Any, *, pupil: Pupil, by: Any, **kwargs: Any) -> None:
    """The receiver of `journal.roster.signals.consent_revoked` (connected in apps.py)."""
    consent_revoked(pupil=pupil, by=by)
