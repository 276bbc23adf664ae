"""A base for the journal's models: a readable default `__str__`."""

from __future__ import annotations

from django.db import models


class JournalModel(models.Model):
    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} №{self.pk}"
