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
        register(NavItem("Положение об ЭЖ", "regulation", (), "school", order=90))
