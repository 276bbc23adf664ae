"""Pupils, parents, consent and movement (SET-4, SET-5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts import roles
from accounts.services import school_account_create, username_taken
from journal.access import ROSTER_MANAGERS, Scope, deny, require_roles, scope_for
from journal.audit.services import access_log
from journal.permissions import BE_PUPIL_PERM, VIEW_CHILD_PERM
from journal.roster.models import (
    ClassMembership,
    Consent,
    Guardian,
    GuardianLink,
    Movement,
    Pupil,
)
from journal.roster.signals import consent_revoked
from journal.structure.closing import class_year_must_be_open, year_must_be_open
from journal.structure.models import ClassGroup


def _person_errors(last_name: str, first_name: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (last_name or "").strip():
        errors["last_name"] = ["Укажите фамилию."]
    if not (first_name or "").strip():
        errors["first_name"] = ["Укажите имя."]
    return errors


def _may_manage_pupil(scope: Scope, pupil: Pupil) -> bool:
    """Roster managers everywhere; the class teacher for their class (000 §3.8, 004 §7)."""
    return bool(scope.roles & ROSTER_MANAGERS) or (
        pupil.class_group_id is not None and pupil.class_group_id in scope.class_ids
    )


@transaction.atomic
def pupil_create(
    *,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    birth_date: dt.date | None = None,
    class_group: ClassGroup,
    enrolled_on: dt.date,
    order_number: str,
    username: str = "",
    by: Any,
) -> Pupil:
    """Enrol a pupil (account, class, movement record with the order number) (SET-4)."""
    require_roles(scope_for(by), ROSTER_MANAGERS)
    year_must_be_open(class_group.year_id)
    errors = _person_errors(last_name, first_name)
    if not (order_number or "").strip():
        errors["order_number"] = ["Укажите номер приказа о зачислении."]
    if birth_date and birth_date >= enrolled_on:
        errors["birth_date"] = ["Дата рождения должна быть раньше даты зачисления."]
    if username and username_taken(username):
        errors["username"] = ["Такое имя пользователя уже занято."]
    if errors:
        raise ValidationError(errors)
    user = school_account_create(
        last_name=last_name,
        first_name=first_name,
        patronymic=patronymic,
        username=username,
        username_prefix="u",
        role_names=[roles.PUPIL],
    )
    pupil = Pupil.objects.create(user=user, birth_date=birth_date, class_group=class_group)
    assign_perm(BE_PUPIL_PERM, user, pupil)
    ClassMembership.objects.create(pupil=pupil, class_group=class_group, date_from=enrolled_on)
    Movement.objects.create(
        pupil=pupil,
        kind=Movement.Kind.ENROLLED,
        on_date=enrolled_on,
        order_number=order_number.strip(),
        class_to=class_group,
        recorded_by=by,
    )
    access_log(user=by, action="create", what="roster.pupil", pupil_ids=[pupil.pk])
    return pupil


@transaction.atomic
def pupil_move(
    *,
    pupil: Pupil,
    kind: str,
    on_date: dt.date,
    order_number: str,
    class_to: ClassGroup | None = None,
    other_school: str = "",
    by: Any,
) -> Movement:
    """Движение: moved to another class, transferred out/in, withdrawn (SET-4)."""
    require_roles(scope_for(by), ROSTER_MANAGERS)
    # Neither the class left nor the class joined may belong to a closed year (YEAR-1).
    class_year_must_be_open(pupil.class_group_id)
    year_must_be_open(class_to.year_id if class_to is not None else None)
    errors: dict[str, list[str]] = {}
    kinds = Movement.Kind
    if kind not in (kinds.MOVED, kinds.TRANSFERRED_OUT, kinds.TRANSFERRED_IN, kinds.WITHDRAWN):
        errors["kind"] = ["Вид движения: перевод в другой класс, выбытие, прибытие, отчисление."]
    if not (order_number or "").strip():
        errors["order_number"] = ["Укажите номер приказа."]
    if kind in (kinds.MOVED, kinds.TRANSFERRED_IN) and class_to is None:
        errors["class_to"] = ["Укажите класс, в который переводится обучающийся."]
    if kind == kinds.MOVED and class_to is not None and class_to.pk == pupil.class_group_id:
        errors["class_to"] = ["Обучающийся уже в этом классе."]
    if kind in (kinds.MOVED, kinds.TRANSFERRED_OUT, kinds.WITHDRAWN) and not pupil.class_group_id:
        errors["kind"] = ["Обучающийся не числится ни в одном классе."]
    if kind == kinds.TRANSFERRED_IN and pupil.class_group_id:
        errors["kind"] = ["Обучающийся уже числится в классе."]
    last = ClassMembership.objects.filter(pupil=pupil).order_by("-date_from").first()
    if last and on_date < last.date_from:
        errors["on_date"] = ["Дата движения раньше последнего зачисления в класс."]
    if errors:
        raise ValidationError(errors)
    class_from_id = pupil.class_group_id
    ClassMembership.objects.filter(pupil=pupil, date_to__isnull=True).update(
        date_to=on_date - dt.timedelta(days=1)
    )
    if class_to is not None and kind in (kinds.MOVED, kinds.TRANSFERRED_IN):
        ClassMembership.objects.create(pupil=pupil, class_group=class_to, date_from=on_date)
        pupil.class_group = class_to
    else:
        pupil.class_group = None
    pupil.save(update_fields=["class_group", "updated_at"])
    movement = Movement.objects.create(
        pupil=pupil,
        kind=kind,
        on_date=on_date,
        order_number=order_number.strip(),
        class_from_id=class_from_id,
        class_to=class_to,
        other_school=other_school,
        recorded_by=by,
    )
    access_log(user=by, action="change", what="roster.movement", pupil_ids=[pupil.pk])
    return movement


@transaction.atomic
def guardian_create(
    *,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    phone: str = "",
    email: str = "",
    username: str = "",
    declined_electronic_access: bool = False,
    by: Any,
) -> Guardian:
    """A parent or legal guardian with an account in the school (SET-4); one who declined
    electronic access gets printouts instead (DIA-3)."""
    scope = scope_for(by)
    if not (scope.roles & ROSTER_MANAGERS or scope.class_ids):
        raise deny()
    errors = _person_errors(last_name, first_name)
    if username and username_taken(username):
        errors["username"] = ["Такое имя пользователя уже занято."]
    if errors:
        raise ValidationError(errors)
    user = school_account_create(
        last_name=last_name,
        first_name=first_name,
        patronymic=patronymic,
        email=email,
        username=username,
        username_prefix="p",
        role_names=[roles.PARENT],
    )
    return Guardian.objects.create(
        user=user, phone=phone, declined_electronic_access=declined_electronic_access
    )


@transaction.atomic
def guardian_link_create(
    *, guardian: Guardian, pupil: Pupil, relation: str, by: Any
) -> GuardianLink:
    """Link a parent to a pupil: the parent's object right on the child (ROLE-1)."""
    scope = scope_for(by)
    if not _may_manage_pupil(scope, pupil):
        raise deny()
    if relation not in GuardianLink.Relation.values:
        raise ValidationError({"relation": ["Укажите, кем родитель приходится обучающемуся."]})
    if GuardianLink.objects.filter(guardian=guardian, pupil=pupil).exists():
        raise ValidationError({"pupil": ["Родитель уже связан с этим обучающимся."]})
    link = GuardianLink.objects.create(guardian=guardian, pupil=pupil, relation=relation)
    assign_perm(VIEW_CHILD_PERM, guardian.user, pupil)
    access_log(user=by, action="change", what="roster.guardian_link", pupil_ids=[pupil.pk])
    return link


@transaction.atomic
def consent_record(
    *,
    pupil: Pupil,
    signed_on: dt.date,
    scan_reference: str,
    guardian: Guardian | None = None,
    by: Any,
) -> Consent:
    """Record the written consent (date, who recorded, scan reference) (SET-5)."""
    scope = scope_for(by)
    if not _may_manage_pupil(scope, pupil):
        raise deny()
    errors: dict[str, list[str]] = {}
    if not (scan_reference or "").strip():
        errors["scan_reference"] = ["Укажите ссылку на скан или номер согласия."]
    if signed_on > dt.date.today():
        errors["signed_on"] = ["Дата согласия не может быть в будущем."]
    if (
        guardian is not None
        and not GuardianLink.objects.filter(guardian=guardian, pupil=pupil).exists()
    ):
        errors["guardian"] = ["Согласие даёт родитель (законный представитель) этого обучающегося."]
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        pupil=pupil,
        guardian=guardian,
        signed_on=signed_on,
        scan_reference=scan_reference.strip(),
        recorded_by=by,
    )
    access_log(user=by, action="change", what="roster.consent", pupil_ids=[pupil.pk])
    return consent


@transaction.atomic
def consent_revoke(*, consent: Consent, revoked_on: dt.date, reason: str, by: Any) -> Consent:
    """The parent withdrew the written consent (SET-5): the date, the basis (their written
    statement) and who recorded it are kept. From now on the pupil's data is closed to the
    parents and to the pupil (the access scope counts only consent in force), and their
    running sessions end (the `consent_revoked` signal; `journal.identity` ends them)."""
    consent = Consent.objects.select_for_update().select_related("pupil").get(pk=consent.pk)
    pupil = consent.pupil
    if not _may_manage_pupil(scope_for(by), pupil):
        raise deny()
    errors: dict[str, list[str]] = {}
    if consent.revoked_on is not None:
        errors["revoked_on"] = [f"Согласие уже отозвано {consent.revoked_on:%d.%m.%Y}."]
    elif revoked_on > timezone.localdate():
        errors["revoked_on"] = ["Дата отзыва не может быть в будущем."]
    elif revoked_on < consent.signed_on:
        errors["revoked_on"] = [
            f"Дата отзыва раньше даты самого согласия ({consent.signed_on:%d.%m.%Y})."
        ]
    if not (reason or "").strip():
        errors["reason"] = ["Укажите основание отзыва (заявление родителя: дата, номер)."]
    if errors:
        raise ValidationError(errors)
    consent.revoked_on = revoked_on
    consent.revocation_reason = reason.strip()
    consent.revoked_by = by
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_on", "revocation_reason", "revoked_by", "revoked_at"])
    access_log(user=by, action="change", what="roster.consent", pupil_ids=[pupil.pk])
    consent_revoked.send(sender=Consent, pupil=pupil, by=by)
    return consent
