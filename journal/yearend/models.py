"""Closing a school year (YEAR-1, 003 §5.2.3): the act of closing and each pupil's outcome.

A year with a `YearClosing` row is closed: read-only for every service (`guard`) and, as
defence in depth, for the register's tables (PostgreSQL triggers in journal/register).
The state lives here, not on `structure.AcademicYear`, so that the structure app's schema
stays its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from journal.base import JournalModel


class YearClosing(JournalModel):
    """Учебный год закрыт: when, by whom, on which order, and which year follows."""

    year = models.OneToOneField(
        "structure.AcademicYear", models.PROTECT, related_name="closing", verbose_name="год"
    )
    next_year = models.ForeignKey(
        "structure.AcademicYear",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="следующий год",
    )
    order_number = models.CharField("номер приказа", max_length=40)
    order_date = models.DateField("дата приказа")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    closed_at = models.DateTimeField("закрыт", auto_now_add=True)

    class Meta:
        verbose_name = "закрытие учебного года"
        verbose_name_plural = "закрытие учебных годов"


class PromotionDecision(JournalModel):
    """What became of one pupil when the year closed (YEAR-1)."""

    class Outcome(models.TextChoices):
        PROMOTED = "promoted", "Переведён в следующий класс"
        CONDITIONAL = "conditional", "Переведён условно (академическая задолженность)"
        HELD_BACK = "held_back", "Оставлен на повторное обучение"
        GRADUATED = "graduated", "Окончил обучение"

    closing = models.ForeignKey(YearClosing, models.CASCADE, related_name="decisions")
    pupil = models.ForeignKey("roster.Pupil", models.PROTECT, related_name="+")
    class_from = models.ForeignKey("structure.ClassGroup", models.PROTECT, related_name="+")
    class_to = models.ForeignKey(
        "structure.ClassGroup", models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField("решение", max_length=16, choices=Outcome.choices)
    # Subjects with a «2» / «н/а» (debts) or without a year mark (missing), for the lists.
    debts = models.JSONField("задолженности", default=list, blank=True)
    missing = models.JSONField("нет годовых отметок", default=list, blank=True)

    class Meta:
        verbose_name = "решение о переводе"
        verbose_name_plural = "решения о переводе"
        constraints = [
            models.UniqueConstraint(fields=["closing", "pupil"], name="promotion_once_per_pupil")
        ]
