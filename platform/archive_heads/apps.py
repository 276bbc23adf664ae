from __future__ import annotations

from django.apps import AppConfig


class ArchiveHeadsConfig(AppConfig):
    name = "archive_heads"
    label = "archive_heads"
    verbose_name = "Подписанные вершины архивов школ"
    default_auto_field = "django.db.models.BigAutoField"
