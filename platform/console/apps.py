from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "console"
    verbose_name = "Консоль муниципального оператора"

    def ready(self) -> None:
        from accounts.roles import OPERATOR
        from core.navigation import NavItem, register

        register(NavItem("Школы", "console:schools", (OPERATOR,), "public", order=10))
