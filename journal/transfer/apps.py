from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "journal.transfer"
    label = "transfer"
    verbose_name = "Перевод обучающихся"
