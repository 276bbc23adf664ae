from __future__ import annotations

from django.apps import AppConfig


class EsiaStubConfig(AppConfig):
    name = "esia_stub"
    verbose_name = "Учебный стенд Госуслуг"
