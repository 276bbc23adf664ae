from django.apps import AppConfig


class YearendConfig(AppConfig):
    name = "journal.yearend"
    label = "yearend"
    verbose_name = "Журнал: закрытие учебного года"
