from django.apps import AppConfig


class StructureConfig(AppConfig):
    name = "journal.structure"
    label = "structure"
    verbose_name = "Структура школы"
