"""Bring every schema up to date: public, the base schema new schools are cloned from, schools."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_exists

from core.tenancy import db
from tenants.services import public_site_ensure


class Command(BaseCommand):
    help = (
        "migrate_schemas for public, the clone base schema and every school; ensure the public site"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--skip-schools", action="store_true", help="only public and the base schema"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options.get("verbosity", 1))
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        public_site_ensure(domain=settings.PLATFORM_DOMAIN)
        base = settings.TENANT_BASE_SCHEMA
        if not schema_exists(base):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{base}"')
        call_command(
            "migrate_schemas", schema_name=base, tenant=True, interactive=False, verbosity=verbosity
        )
        db.set_schema_to_public()
        if not options["skip_schools"]:
            call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
        if verbosity:
            self.stdout.write(self.style.SUCCESS("all schemas migrated"))
