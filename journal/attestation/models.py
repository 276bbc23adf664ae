"""Intermediate attestation and the schedule of control works (YEAR-2; 004 §6.3, §6.8;
003 §6.3): what the deputy agreed, checked against the lessons that were held."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from journal.base import JournalModel


class ControlWork(JournalModel):
    """A line of the schedule of control, laboratory and practical works (004 §6.3).

    The kinds are the lesson kinds (`register.Lesson.Kind`) that such a work is held as,
    so the schedule is checked against the lessons directly.
    """

    class Kind(models.TextChoices):
        TEST = "test", "Контрольная работа"
        LAB = "lab", "Лабораторная работа"
        PRACTICAL = "practical", "Практическая работа"

    assignment = models.ForeignKey(
        "structure.TeachingAssignment", models.PROTECT, related_name="control_works"
    )
    kind = models.CharField("вид работы", max_length=16, choices=Kind.choices)
    planned_on = models.DateField("дата по графику")
    topic = models.CharField("тема", max_length=500, blank=True)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField("согласовано", auto_now_add=True)

    class Meta:
        verbose_name = "работа по графику"
        verbose_name_plural = "график контрольных, лабораторных и практических работ"
        ordering = ["planned_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "planned_on", "kind"], name="control_work_unique"
            )
        ]


class AttestationEvent(JournalModel):
    """Промежуточная аттестация по предмету в классе: form and date (004 §6.8)."""

    class Form(models.TextChoices):
        CONTROL = "control", "Контрольная работа"
        TESTING = "testing", "Тестирование"
        CREDIT = "credit", "Зачёт"
        EXAM = "exam", "Экзамен"
        PROJECT = "project", "Защита проекта"

    assignment = models.ForeignKey(
        "structure.TeachingAssignment", models.PROTECT, related_name="attestation_events"
    )
    form = models.CharField("форма", max_length=16, choices=Form.choices)
    held_on = models.DateField("дата")
    title = models.CharField("название", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "промежуточная аттестация"
        verbose_name_plural = "промежуточная аттестация"
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "held_on", "form"], name="attestation_event_unique"
            )
        ]


class AttestationResult(JournalModel):
    """A pupil's result of an attestation event: a mark of the scale or a special value."""

    event = models.ForeignKey(AttestationEvent, models.CASCADE, related_name="results")
    pupil = models.ForeignKey("roster.Pupil", models.PROTECT, related_name="+")
    value = models.CharField("результат", max_length=8)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "результат аттестации"
        verbose_name_plural = "результаты аттестации"
        constraints = [
            models.UniqueConstraint(fields=["event", "pupil"], name="attestation_result_once")
        ]
