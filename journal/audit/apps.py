from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "journal.audit"
    label = "audit"
    verbose_name = "Журнал доступа"
