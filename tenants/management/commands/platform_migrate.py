"""Bring every schema up to date: public, the base schema new schools are cloned from, schools.

Cheap when there is nothing to do (#17): the migrations on disk are compared with what
public, the base schema and every school have recorded (a few statements for all schools,
`tenants.schema_state`); Django's migrate runs only where something is missing. Schools
behind are migrated in parallel (`--processes`), with a line per school and a summary.
Interrupted (killed, a school failed)? Run it again: the schools already done are up to
date and skipped; the rest are finished. The upgrade procedure: docs/upgrades.md.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_exists

from core.tenancy import db
from tenants.migrating import SchoolOutcome, migrate_schools
from tenants.schema_state import disk_migrations, missing_in, school_schemas, schools_behind
from tenants.services import public_site_ensure


class Command(BaseCommand):
    help = (
        "migrate public, the clone base schema and every school that is behind (in parallel); "
        "ensure the public site"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--skip-schools", action="store_true", help="only public and the base schema"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=int(os.environ.get("PLATFORM_MIGRATE_PROCESSES", "2")),
            help="schools migrated at once (default 2, or PLATFORM_MIGRATE_PROCESSES)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only report who is behind; exit 1 if anyone is (nothing is migrated)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options.get("verbosity", 1))
        started = time.perf_counter()
        public = get_public_schema_name()
        base = settings.TENANT_BASE_SCHEMA
        shared_missing = missing_in(public, disk_migrations(tenant=False))
        base_missing = missing_in(base, disk_migrations(tenant=True))
        if options["check"]:
            behind = schools_behind(schemas=school_schemas(), target=disk_migrations(tenant=True))
            self.stdout.write(
                f"public lacks {shared_missing}, {base} lacks {base_missing}, "
                f"{len(behind)} schools behind"
            )
            for schema, missing in sorted(behind.items()):
                self.stdout.write(f"  {schema}: {missing} migrations missing")
            if shared_missing or base_missing or behind:
                raise CommandError("migrations are pending")
            return

        if shared_missing:
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        elif verbosity:
            self.stdout.write("public: up to date")
        public_site_ensure(domain=settings.PLATFORM_DOMAIN)
        if not schema_exists(base):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{base}"')
            base_missing = max(base_missing, 1)
        if base_missing:
            call_command(
                "migrate_schemas",
                schema_name=base,
                tenant=True,
                interactive=False,
                verbosity=verbosity,
            )
        elif verbosity:
            self.stdout.write(f"{base} (the clone base): up to date")
        db.set_schema_to_public()
        if options["skip_schools"]:
            if verbosity:
                self.stdout.write(self.style.SUCCESS("public and the base schema migrated"))
            return

        check_started = time.perf_counter()
        schemas = school_schemas()
        behind = schools_behind(schemas=schemas, target=disk_migrations(tenant=True))
        check_s = time.perf_counter() - check_started
        # The check touched every school's migrations table: give those caches back.
        connection.close()
        if verbosity:
            self.stdout.write(
                f"schools: {len(schemas)}; up to date {len(schemas) - len(behind)}; "
                f"behind {len(behind)} (checked in {check_s * 1000:.0f} ms)"
            )

        def report(done: int, total: int, outcome: SchoolOutcome) -> None:
            if not verbosity:
                return
            width = len(str(total))
            state = (
                self.style.ERROR(f"FAILED {outcome.error}")
                if outcome.error
                else f"+{outcome.missing} migration{'s' if outcome.missing != 1 else ''}"
            )
            self.stdout.write(
                f"[{done:>{width}}/{total}] {outcome.schema}: {state} ({outcome.seconds:.2f} s)"
            )
            self.stdout.flush()

        outcomes = migrate_schools(
            behind, processes=max(1, options["processes"]), verbosity=verbosity, report=report
        )
        db.set_schema_to_public()
        failed = [o for o in outcomes if o.error]
        wall = time.perf_counter() - started
        summary = (
            f"summary: {len(schemas)} schools, {len(schemas) - len(behind)} up to date, "
            f"{len(outcomes) - len(failed)} migrated, {len(failed)} failed; "
            f"{wall:.1f} s with {max(1, options['processes'])} processes"
        )
        if failed:
            self.stdout.write(self.style.ERROR(summary))
            for outcome in failed:
                self.stdout.write(f"  {outcome.schema}: {outcome.error}")
            raise CommandError(
                f"{len(failed)} schools failed to migrate; fix them and run platform_migrate "
                "again (the schools done are skipped)"
            )
        if verbosity:
            self.stdout.write(self.style.SUCCESS(summary))
