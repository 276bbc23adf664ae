from django.apps import AppConfig


class DepartmentConfig(AppConfig):
    """The education department's statistics (issue #13, STAT-1): rollups in public."""

    name = "department"
    verbose_name = "Управление образования: сводные показатели"

    def ready(self) -> None:
        from accounts.navigation import NavItem, register
        from accounts.roles import DEPARTMENT, OPERATOR

        register(NavItem("Сводка", "department:overview", (DEPARTMENT,), "public", order=10))
        register(NavItem("Таблицы", "department:table", (DEPARTMENT,), "public", order=20))
        register(NavItem("Отчёты", "department:reports", (DEPARTMENT,), "public", order=30))
        register(NavItem("Сводные показатели", "console:rollups", (OPERATOR,), "public", order=40))
