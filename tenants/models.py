"""Schools (tenants) and their hosts. Public schema."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from core.models import TimeStampedModel

SLUG_RE = r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$"
slug_validator = RegexValidator(
    SLUG_RE,
    "Адрес школы: от 3 до 32 строчных латинских букв, цифр и дефисов; "
    "начинается с буквы, не кончается дефисом.",
)


class School(TenantMixin, TimeStampedModel):  # type: ignore[django-manager-missing]
    """One school: one PostgreSQL schema, one or more hosts.

    The row with schema `public` is the municipality's own site (operator and department).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Работает"
        SUSPENDED = "suspended", "Приостановлена"
        ARCHIVED = "archived", "В архиве"

    slug = models.CharField(
        "адрес (поддомен)", max_length=32, unique=True, validators=[slug_validator]
    )
    name = models.CharField("полное наименование", max_length=300)
    short_name = models.CharField("краткое наименование", max_length=100)
    municipality_code = models.CharField("код ОКТМО", max_length=11, blank=True)
    inn = models.CharField("ИНН", max_length=10, blank=True)
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    status_changed_at = models.DateTimeField("состояние изменено", null=True, blank=True)

    # Schemas are created by the onboarding service, inside its transaction, by cloning.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = "школа"
        verbose_name_plural = "школы"
        constraints = [
            models.UniqueConstraint(
                fields=["inn"], condition=~models.Q(inn=""), name="school_inn_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_public(self) -> bool:
        return self.schema_name == "public"


class Domain(DomainMixin):
    class Meta:
        verbose_name = "адрес"
        verbose_name_plural = "адреса"
