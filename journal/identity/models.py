"""The school's side of identity (school schema): links to the SSO provider, invitation
codes, verified attributes, temporary pupil logins, password resets and participation.

Nothing here leaves the school: the public schema learns only the keyed subject hash
and the school's id (`identity.SubjectIndex`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ExternalIdentity(models.Model):
    """A parent's or pupil's account here is the person behind this provider subject."""

    class Method(models.TextChoices):
        INVITATION = "invitation", "Код приглашения"
        ATTRIBUTES = "attributes", "Сверка подтверждённых данных (СНИЛС)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="external_identity"
    )
    subject_hash = models.CharField("хеш идентификатора", max_length=64, unique=True)
    method = models.CharField("способ связывания", max_length=16, choices=Method.choices)
    linked_at = models.DateTimeField("связано", auto_now_add=True)

    class Meta:
        verbose_name = "связь с Госуслугами"
        verbose_name_plural = "связи с Госуслугами"

    def __str__(self) -> str:
        return f"связь №{self.pk}"


class InvitationCode(models.Model):
    """One-time code the class teacher gives a parent or pupil to link their account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("выдан", auto_now_add=True)
    expires_at = models.DateTimeField("действует до")
    used_at = models.DateTimeField("использован", null=True, blank=True)

    class Meta:
        verbose_name = "код приглашения"
        verbose_name_plural = "коды приглашения"

    def __str__(self) -> str:
        return f"код №{self.pk}"


class IdentityAttribute(models.Model):
    """A verified attribute the school holds (e.g. СНИЛС), kept only as a keyed hash."""

    class Kind(models.TextChoices):
        SNILS = "snils", "СНИЛС"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="identity_attributes"
    )
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    value_hash = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("внесено", auto_now_add=True)

    class Meta:
        verbose_name = "подтверждённый реквизит"
        verbose_name_plural = "подтверждённые реквизиты"
        constraints = [
            models.UniqueConstraint(fields=["kind", "value_hash"], name="identity_attr_unique"),
            models.UniqueConstraint(fields=["user", "kind"], name="identity_attr_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} №{self.pk}"


class TemporaryLogin(models.Model):
    """Временный логин обучающегося (SEC-2, 004 §3.2, §5.4), on a written request."""

    pupil = models.ForeignKey("roster.Pupil", models.CASCADE, related_name="temporary_logins")
    request_reason = models.CharField("причина (из заявления)", max_length=500)
    request_date = models.DateField("дата письменного заявления")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="кто выдал"
    )
    issued_at = models.DateTimeField("выдан", auto_now_add=True)
    expires_at = models.DateTimeField("действует до")
    first_used_at = models.DateTimeField("первый вход", null=True, blank=True)
    password_changed_at = models.DateTimeField("пароль сменён", null=True, blank=True)
    revoked_at = models.DateTimeField("отозван", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "временный логин обучающегося"
        verbose_name_plural = "временные логины обучающихся"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(revoked_at__isnull=True), name="one_open_temp_login"
            )
        ]

    def __str__(self) -> str:
        return f"временный логин №{self.pk}"


class PasswordReset(models.Model):
    """Сброс пароля сотрудника администратором ЭЖ (SEC-3), recorded."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    reset_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reset_at = models.DateTimeField("когда", auto_now_add=True)
    reason = models.CharField("основание", max_length=300, blank=True)

    class Meta:
        verbose_name = "сброс пароля"
        verbose_name_plural = "сбросы паролей"
        ordering = ["-reset_at", "-id"]

    def __str__(self) -> str:
        return f"сброс пароля №{self.pk}"


class Participation(models.Model):
    """Participation of parents and pupils (DIA-4): the last sign-in, and how many."""

    class Method(models.TextChoices):
        SSO = "sso", "Госуслуги"
        TEMPORARY = "temporary", "Временный логин"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="participation"
    )
    last_sign_in_at = models.DateTimeField("последний вход", db_index=True)
    last_method = models.CharField("способ входа", max_length=16, choices=Method.choices)
    sign_in_count = models.PositiveIntegerField("число входов", default=0)

    class Meta:
        verbose_name = "участие"
        verbose_name_plural = "участие родителей и обучающихся"

    def __str__(self) -> str:
        return f"участие №{self.pk}"
