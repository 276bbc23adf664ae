"""The class teacher's own records (002 п.5 Кл.рук. б); 002 Регламент п.3): the monthly
check of pupils' and parents' data, and parents' acknowledgement of period marks.

The progress and attendance summaries (002 п.5 Кл.рук. г), д)) are reads of the journal
and keep no rows (journal.homeroom.selectors).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from journal.base import JournalModel


class DataCheck(JournalModel):
    """Сверка данных обучающихся и родителей за месяц: who checked, on which day, what was
    corrected. One per class and month."""

    class_group = models.ForeignKey(
        "structure.ClassGroup", models.PROTECT, related_name="+", verbose_name="класс"
    )
    month = models.DateField("месяц")  # its first day
    checked_on = models.DateField("дата проверки")
    note = models.CharField("что исправлено", max_length=1000, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("записано", auto_now_add=True)

    class Meta:
        verbose_name = "сверка данных класса"
        verbose_name_plural = "сверки данных классов"
        constraints = [
            models.UniqueConstraint(fields=["class_group", "month"], name="data_check_monthly"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="data_check_month_first_day"
            ),
            models.CheckConstraint(
                condition=models.Q(checked_on__gte=models.F("month")),
                name="data_check_within_or_after_month",
            ),
        ]


class MarksAcknowledgement(JournalModel):
    """Родитель ознакомлен с отметками за период: once per guardian, pupil and period."""

    guardian = models.ForeignKey("roster.Guardian", models.CASCADE, related_name="+")
    pupil = models.ForeignKey("roster.Pupil", models.CASCADE, related_name="+")
    period = models.ForeignKey("structure.ReportingPeriod", models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField("ознакомлен(а)", auto_now_add=True)

    class Meta:
        verbose_name = "ознакомление с отметками за период"
        verbose_name_plural = "ознакомления с отметками за период"
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "pupil", "period"], name="acknowledged_once"
            )
        ]
