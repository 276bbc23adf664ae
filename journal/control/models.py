"""Remarks on keeping the journal (CTL-1; 002 п.5 Учитель е), 004 §8.6, 003 §6.4).

The deputy records a remark on a journal (a teaching assignment, optionally one lesson);
the teacher mends it within the regulation's days and says what was done.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from journal.base import JournalModel


class Remark(JournalModel):
    """Замечание по ведению журнала."""

    class Status(models.TextChoices):
        OPEN = "open", "Не устранено"
        OVERDUE = "overdue", "Просрочено"
        MENDED = "mended", "Устранено в срок"
        MENDED_LATE = "mended_late", "Устранено с опозданием"

    assignment = models.ForeignKey(
        "structure.TeachingAssignment", models.PROTECT, related_name="remarks"
    )
    lesson = models.ForeignKey(
        "register.Lesson", models.PROTECT, null=True, blank=True, related_name="remarks"
    )
    text = models.TextField("замечание")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    written_at = models.DateTimeField("записано", auto_now_add=True)
    due_on = models.DateField("устранить до")
    mended_at = models.DateTimeField("устранено", null=True, blank=True)
    mended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    mend_note = models.CharField("что сделано", max_length=500, blank=True)

    class Meta:
        verbose_name = "замечание по ведению журнала"
        verbose_name_plural = "замечания по ведению журнала"
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["assignment", "mended_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(mended_at__isnull=True) | ~Q(mend_note=""),
                name="remark_mended_with_note",
            )
        ]

    def status_on(self, today: dt.date, mended_on: dt.date | None = None) -> str:
        """The remark's state on a day; `mended_on` is the local date of `mended_at`."""
        if self.mended_at is None:
            return self.Status.OVERDUE if today > self.due_on else self.Status.OPEN
        assert mended_on is not None
        return self.Status.MENDED_LATE if mended_on > self.due_on else self.Status.MENDED
