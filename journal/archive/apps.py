from __future__ import annotations

from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "journal.archive"
    label = "archive"
    verbose_name = "Архив журналов"
    default_auto_field = "django.db.models.BigAutoField"
