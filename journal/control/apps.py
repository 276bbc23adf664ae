from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "journal.control"
    label = "control"
    verbose_name = "Журнал: замечания по ведению журнала"
