from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    """Base for our models: creation and last-change moments."""

    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        abstract = True
