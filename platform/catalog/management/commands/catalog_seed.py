"""Load the catalog's seed data (idempotent): `make demo` and fresh installs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.seed import load_seed
from core.tenancy import db


class Command(BaseCommand):
    help = "Create the default regulation, period schemes and REP-1/REP-2 forms if missing"

    def handle(self, *args: Any, **options: Any) -> None:
        db.set_schema_to_public()
        with transaction.atomic():
            created = load_seed()
        summary = ", ".join(f"{k}: {v}" for k, v in created.items())
        self.stdout.write(f"catalog seed: created {summary}")
