from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The school's web pages: journal, diary, control, administration (issue #5)."""

    name = "journal.web"
    label = "web"
    verbose_name = "Веб-интерфейс школы"

    def ready(self) -> None:
        from accounts.navigation import register
        from journal.web.navigation import SCHOOL_NAVIGATION

        for item in SCHOOL_NAVIGATION:
            register(item)
