from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def years_follow(sender: Any, *, schema: str, version_id: int, **kwargs: Any) -> None:
    """The school's years that have not started take the adopted scheme's periods and
    record the version in force (TPL-2). A freshly cloned school has no years yet."""
    from django_tenants.utils import schema_context

    from journal.structure.services import years_follow_adoption

    with schema_context(schema):
        years_follow_adoption(rules_version_id=version_id)


class StructureConfig(AppConfig):
    name = "journal.structure"
    label = "structure"
    verbose_name = "Структура школы"

    def ready(self) -> None:
        from catalog.signals import school_adoption_changed

        school_adoption_changed.connect(years_follow, dispatch_uid="structure.years_follow")
