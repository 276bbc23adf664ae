"""Who read or changed which pupil's data (ROLE-4). Append-only, like marks."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from journal.base import JournalModel, append_only_triggers


class AccessLog(JournalModel):
    class Action(models.TextChoices):
        READ = "read", "Просмотр"
        CREATE = "create", "Внесение"
        CHANGE = "change", "Изменение"
        EXPORT = "export", "Выгрузка"
        IMPORT = "import", "Загрузка"

    at = models.DateTimeField("когда", auto_now_add=True, db_index=True)
    # The user's id in this school's schema and their name as it was then.
    user_id = models.BigIntegerField("кто (id)", db_index=True)
    user_name = models.CharField("кто", max_length=300)
    action = models.CharField("действие", max_length=8, choices=Action.choices)
    what = models.CharField("что", max_length=200)  # e.g. "register.journal_grid"
    pupil_ids = ArrayField(models.BigIntegerField(), verbose_name="обучающиеся", default=list)
    details = models.JSONField("подробности", default=dict, blank=True)

    class Meta:
        verbose_name = "запись журнала доступа"
        verbose_name_plural = "журнал доступа"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["what", "at"])]
        triggers = append_only_triggers("accesslog")
