from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The school's web pages: journal, diary, control, administration (issue #5)."""

    name = "journal.web"
    label = "web"
    verbose_name = "Веб-интерфейс школы"

    def ready(self) -> None:
        from accounts import roles as r
        from core.navigation import NavItem, register

        register(NavItem("Мои уроки", "web:today", (r.TEACHER,), "school", order=10))
        register(NavItem("Классное руководство", "web:class_day", (r.TEACHER,), "school", 20))
        register(
            NavItem(
                "Ученики и родители",
                "web:class_pupils",
                (r.TEACHER, r.DIRECTOR, r.DEPUTY),
                "school",
                order=25,
            )
        )
        register(NavItem("Дневник", "diary:index", (r.PUPIL, r.PARENT), "school", order=10))
        register(NavItem("Контроль ведения", "web:control", (r.DIRECTOR, r.DEPUTY), "school", 30))
        register(
            NavItem(
                "Загрузка КТП",
                "web:plan_import",
                (r.DIRECTOR, r.DEPUTY, r.JOURNAL_ADMIN),
                "school",
                order=40,
            )
        )
        admins = (r.DIRECTOR, r.DEPUTY, r.JOURNAL_ADMIN, r.SECRETARY)
        structure = (r.DIRECTOR, r.DEPUTY, r.JOURNAL_ADMIN)
        register(NavItem("Классы", "web:manage_classes", admins, "school", order=50))
        register(NavItem("Сотрудники", "web:manage_staff", admins, "school", order=51))
        register(NavItem("Ученики", "web:manage_pupils", admins, "school", order=52))
        register(NavItem("Родители", "web:manage_parents", admins, "school", order=53))
        register(NavItem("Нагрузка", "web:manage_assignments", structure, "school", order=54))
        register(NavItem("Расписание", "web:manage_timetable", structure, "school", order=55))
        register(NavItem("Учебный год", "web:manage_years", admins, "school", order=56))
        register(NavItem("Звонки", "web:manage_bells", admins, "school", order=57))
        register(NavItem("Каникулы, карантин", "web:manage_breaks", admins, "school", order=58))
        register(NavItem("Движение, согласия", "web:manage_movement", admins, "school", order=59))
        register(NavItem("Положение об ЭЖ", "regulation", (), "school", order=90))
