"""Records a pupil brought from another school of the municipality (TEN-4).

Imported rows are read-only (append-only triggers) and say where they came from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from journal.base import JournalModel, append_only_triggers


class TransferImport(JournalModel):
    pupil = models.ForeignKey("roster.Pupil", models.PROTECT, related_name="transfer_imports")
    source_school = models.CharField("школа, из которой прибыл", max_length=300)
    source_schema = models.CharField(max_length=63)
    package_id = models.CharField("идентификатор пакета", max_length=64, unique=True)
    exported_at = models.DateTimeField("выгружено")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "загруженный пакет перевода"
        verbose_name_plural = "загруженные пакеты перевода"
        triggers = append_only_triggers("transferimport")


class TransferredMark(JournalModel):
    """A mark given in the other school: shown read-only, marked as foreign."""

    transfer = models.ForeignKey(TransferImport, models.PROTECT, related_name="marks")
    pupil = models.ForeignKey("roster.Pupil", models.PROTECT, related_name="transferred_marks")
    subject_title = models.CharField("предмет", max_length=200)
    date = models.DateField("дата")
    value = models.CharField("отметка", max_length=8)
    work_kind_title = models.CharField("вид работы", max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField("вес", default=1)
    kind = models.CharField("вид", max_length=8, default="lesson")  # lesson | period | year

    class Meta:
        verbose_name = "отметка из другой школы"
        verbose_name_plural = "отметки из других школ"
        ordering = ["date"]
        triggers = append_only_triggers("transferredmark")


class TransferredAbsence(JournalModel):
    transfer = models.ForeignKey(TransferImport, models.PROTECT, related_name="absences")
    pupil = models.ForeignKey("roster.Pupil", models.PROTECT, related_name="transferred_absences")
    subject_title = models.CharField("предмет", max_length=200)
    date = models.DateField("дата")
    code = models.CharField("код", max_length=1)

    class Meta:
        verbose_name = "пропуск в другой школе"
        verbose_name_plural = "пропуски в других школах"
        triggers = append_only_triggers("transferredabsence")
