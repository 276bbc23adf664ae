"""Central templates and their adoption by schools (TPL-1..4). Public schema only.

Foreign keys to `tenants.School` are fine here: both live in public. Nothing in a school's
schema points at these tables; the journal reads rules through `catalog.selectors`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


def public_user_ref() -> models.ForeignKey[Any, Any]:
    """Who did it: an operator (public user); the record stays if the user goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class RegulationTemplate(TimeStampedModel):
    """A regulation (положение/регламент об ЭЖ) as a family of versions."""

    code = models.SlugField("код", max_length=64, unique=True)
    title = models.CharField("название", max_length=300)
    is_default = models.BooleanField("по умолчанию для новых школ", default=False)

    class Meta:
        verbose_name = "шаблон положения"
        verbose_name_plural = "шаблоны положений"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="catalog_one_default_regulation",
            )
        ]

    def __str__(self) -> str:
        return self.title


class RegulationVersion(models.Model):
    """One version of a regulation: text, rules and which rules schools may not loosen.

    A published version never changes (a database trigger enforces it as well); edits are
    made in a new version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Черновик"
        PUBLISHED = "published", "Опубликована"

    template = models.ForeignKey(
        RegulationTemplate, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("номер редакции")
    title = models.CharField("заголовок", max_length=300)
    text = models.TextField("текст (Markdown)", blank=True)
    rules = models.JSONField("правила")
    fixed = models.JSONField("закреплённые правила", default=list)
    sources = models.JSONField("источники правил", default=dict, blank=True)
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    created_by = public_user_ref()
    published_at = models.DateTimeField("опубликована", null=True, blank=True)
    published_by = public_user_ref()

    class Meta:
        verbose_name = "редакция положения"
        verbose_name_plural = "редакции положений"
        ordering = ["template_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="catalog_version_number"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="catalog_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        # What a person reads: the template's Russian title and «редакция N» (issue #15).
        return f"{self.template.title}, редакция {self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PeriodScheme(TimeStampedModel):
    """Which kind of reporting period each grade band uses (TPL-2)."""

    code = models.SlugField("код", max_length=64, unique=True)
    title = models.CharField("название", max_length=300)
    description = models.TextField("описание", blank=True)
    bands = models.JSONField("параллели и периоды")
    is_default = models.BooleanField("по умолчанию для новых школ", default=False)
    created_by = public_user_ref()

    class Meta:
        verbose_name = "схема учебных периодов"
        verbose_name_plural = "схемы учебных периодов"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="catalog_one_default_period_scheme",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def kinds(self) -> set[str]:
        return {band["kind"] for band in self.bands}


class PeriodCalendar(TimeStampedModel):
    """Dates of a scheme's periods and the holidays for one academic year."""

    scheme = models.ForeignKey(PeriodScheme, on_delete=models.CASCADE, related_name="calendars")
    start_year = models.PositiveIntegerField("учебный год (год начала)")
    periods = models.JSONField("периоды")
    holidays = models.JSONField("каникулы", default=list)

    class Meta:
        verbose_name = "календарь учебного года"
        verbose_name_plural = "календари учебных лет"
        ordering = ["scheme_id", "start_year"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "start_year"], name="catalog_calendar_year")
        ]

    def __str__(self) -> str:
        return f"{self.scheme.code} {self.start_year}/{self.start_year + 1}"


class ReportForm(models.Model):
    """A report's definition (TPL-3): parameters and columns, versioned by code."""

    code = models.SlugField("код", max_length=64)
    version = models.PositiveIntegerField("редакция", default=1)
    title = models.CharField("название", max_length=300)
    requirement = models.CharField("требование", max_length=16, blank=True)
    description = models.TextField("описание", blank=True)
    row_kind = models.CharField("строка отчёта", max_length=32)
    parameters = models.JSONField("параметры", default=list)
    columns = models.JSONField("столбцы")
    created_at = models.DateTimeField("создана", auto_now_add=True)
    created_by = public_user_ref()

    class Meta:
        verbose_name = "форма отчёта"
        verbose_name_plural = "формы отчётов"
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="catalog_report_form_version")
        ]

    def __str__(self) -> str:
        return f"{self.title}, версия {self.version}"


class SchoolAdoption(models.Model):
    """What a school has adopted now: one row per school."""

    school = models.OneToOneField(
        "tenants.School", on_delete=models.CASCADE, related_name="adoption"
    )
    regulation_version = models.ForeignKey(
        RegulationVersion, on_delete=models.PROTECT, related_name="adoptions"
    )
    period_scheme = models.ForeignKey(
        PeriodScheme, on_delete=models.PROTECT, null=True, blank=True, related_name="adoptions"
    )
    overrides = models.JSONField("местные изменения правил", default=dict, blank=True)
    adopted_at = models.DateTimeField("принято")
    adopted_by = public_user_ref()

    class Meta:
        verbose_name = "принятые шаблоны школы"
        verbose_name_plural = "принятые шаблоны школ"

    def __str__(self) -> str:
        return f"{self.school_id}: {self.regulation_version_id}"


class AdoptionRecord(models.Model):
    """Append-only history: who moved which school to which version, and when."""

    class Action(models.TextChoices):
        ONBOARDING = "onboarding", "Подключение школы"
        ADOPT = "adopt", "Принятие"
        ROLL_FORWARD = "roll_forward", "Переход на новую редакцию"

    school = models.ForeignKey(
        "tenants.School", on_delete=models.CASCADE, related_name="adoption_records"
    )
    action = models.CharField("действие", max_length=16, choices=Action.choices)
    regulation_version = models.ForeignKey(
        RegulationVersion, on_delete=models.PROTECT, related_name="+"
    )
    previous_version = models.ForeignKey(
        RegulationVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_scheme = models.ForeignKey(
        PeriodScheme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overrides = models.JSONField("местные изменения правил", default=dict, blank=True)
    at = models.DateTimeField("когда", auto_now_add=True)
    by = public_user_ref()

    class Meta:
        verbose_name = "запись о принятии шаблона"
        verbose_name_plural = "история принятия шаблонов"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.school_id} {self.action} {self.regulation_version_id}"
