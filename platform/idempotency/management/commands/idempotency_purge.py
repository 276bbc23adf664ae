"""Remove idempotency keys older than the window in public and every school schema."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from idempotency.services import idempotency_purge
from tenants.models import School
from tenants.recycling import each_school


class Command(BaseCommand):
    help = "Удалить ключи Idempotency-Key старше окна хранения (во всех схемах)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        # Public first, then each school; the connection is recycled every K schools (#17).
        schemas = list(School.objects.values_list("schema_name", flat=True))
        for _schema in each_school(schemas):
            total += idempotency_purge()
        self.stdout.write(f"removed {total}")
