"""Remove idempotency keys older than the window in public and every school schema."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from idempotency.services import idempotency_purge
from tenants.models import School


class Command(BaseCommand):
    help = "Удалить ключи Idempotency-Key старше окна хранения (во всех схемах)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for schema in School.objects.values_list("schema_name", flat=True):
            with schema_context(schema):
                total += idempotency_purge()
        self.stdout.write(f"removed {total}")
