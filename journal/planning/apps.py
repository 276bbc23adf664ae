from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "journal.planning"
    label = "planning"
    verbose_name = "Планирование"
