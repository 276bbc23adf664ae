from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "journal.roster"
    label = "roster"
    verbose_name = "Обучающиеся и родители"
