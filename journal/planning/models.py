"""Curriculum and calendar-thematic plans (PLAN-1..3)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.models import TimeStampedModel
from journal.base import JournalModel


class CurriculumLine(JournalModel):
    """Учебный план: hours per subject per grade for the year (PLAN-1)."""

    year = models.ForeignKey("structure.AcademicYear", models.CASCADE, related_name="curriculum")
    grade = models.PositiveSmallIntegerField("параллель")
    subject = models.ForeignKey("structure.Subject", models.PROTECT, related_name="+")
    hours_per_year = models.PositiveIntegerField("часов в год")

    class Meta:
        verbose_name = "строка учебного плана"
        verbose_name_plural = "учебный план"
        constraints = [
            models.UniqueConstraint(fields=["year", "grade", "subject"], name="curriculum_unique"),
            models.CheckConstraint(condition=Q(hours_per_year__gt=0), name="curriculum_hours"),
        ]


class ThematicPlan(TimeStampedModel):
    """КТП for one teaching assignment (PLAN-2)."""

    assignment = models.OneToOneField(
        "structure.TeachingAssignment", models.CASCADE, related_name="thematic_plan"
    )
    total_hours = models.PositiveIntegerField("всего часов")

    class Meta:
        verbose_name = "КТП"
        verbose_name_plural = "КТП"


class ThematicPlanItem(JournalModel):
    plan = models.ForeignKey(ThematicPlan, models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("№")
    topic = models.CharField("тема", max_length=500)
    hours = models.PositiveSmallIntegerField("часов", default=1)
    planned_on = models.DateField("дата по плану", null=True, blank=True)

    class Meta:
        verbose_name = "тема КТП"
        verbose_name_plural = "темы КТП"
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_item_unique"),
        ]
