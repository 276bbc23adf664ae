from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "console"
    verbose_name = "Консоль муниципального оператора"

    def ready(self) -> None:
        from accounts.navigation import NavItem, register
        from accounts.roles import OPERATOR

        register(NavItem("Школы", "console:schools", (OPERATOR,), "public", order=10))
        register(NavItem("Положения об ЭЖ", "console:templates", (OPERATOR,), "public", order=20))
        register(
            NavItem("Без платных сервисов", "console:free-check", (OPERATOR,), "public", order=30)
        )
        # Archive (issue #14): packages, states and tree heads of every school.
        register(NavItem("Архив журналов", "console:archive", (OPERATOR,), "public", order=40))
