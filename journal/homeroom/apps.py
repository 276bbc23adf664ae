from django.apps import AppConfig


class HomeroomConfig(AppConfig):
    name = "journal.homeroom"
    label = "homeroom"
    verbose_name = "Журнал: обязанности классного руководителя"
