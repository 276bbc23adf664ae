from django.apps import AppConfig


class BillingFreeCheckConfig(AppConfig):
    name = "billing_free_check"
    verbose_name = "Проверка отсутствия платных сервисов"

    def ready(self) -> None:
        from billing_free_check import checks  # noqa: F401 - registers the system check
