from __future__ import annotations

from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "backups"
    label = "backups"
    verbose_name = "Резервные копии"
