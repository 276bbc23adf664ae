"""What the journal's models share: a readable default `__str__`, append-only triggers."""

from __future__ import annotations

import pgtrigger
from django.db import models

APPEND_ONLY_MESSAGE = (
    "Отметки не изменяются и не удаляются: ошибка исправляется только записью-исправлением (MRK-2)"
)


def append_only_triggers(prefix: str) -> list[pgtrigger.Trigger]:
    """Row triggers against UPDATE/DELETE and a statement trigger against TRUNCATE."""
    raise_sql = f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'P0001';"
    return [
        pgtrigger.Trigger(
            name=f"{prefix}_no_update_delete",
            when=pgtrigger.Before,
            operation=pgtrigger.Update | pgtrigger.Delete,
            func=raise_sql,
        ),
        pgtrigger.Trigger(
            name=f"{prefix}_no_truncate",
            when=pgtrigger.Before,
            operation=pgtrigger.Truncate,
            level=pgtrigger.Statement,
            func=raise_sql,
        ),
    ]


class JournalModel(models.Model):
    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} №{self.pk}"
