"""Onboard a school from the command line (TEN-2)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from tenants.services import school_create


class Command(BaseCommand):
    help = "Create a school: cloned schema, host <slug>.<PLATFORM_DOMAIN>, first administrator"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--short-name", required=True)
        parser.add_argument("--inn", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--municipality-code", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = school_create(
                slug=options["slug"],
                name=options["name"],
                short_name=options["short_name"],
                inn=options["inn"],
                admin_email=options["admin_email"],
                municipality_code=options["municipality_code"],
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"school:   {created.school.name} (schema {created.school.schema_name})")
        self.stdout.write(f"host:     {created.domain}")
        self.stdout.write(f"admin:    {created.admin_username}")
        self.stdout.write(
            f"password: {created.admin_password}  (shown once; change at first login)"
        )
