"""Print the current second-factor code of a demo user (`make demo` only).

Privileged demo users (operator, director, deputy, journal administrator) have a TOTP
device made by `demo_seed`; instead of an authenticator app, ask this command:
`python platform/manage.py demo_code zavuch --school school1`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tenants.models import School


class Command(BaseCommand):
    help = "Current TOTP code of a demo user (refused outside the demo settings)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--school", default="", help="school slug; empty: the public host")

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_TOOLS", False):
            raise CommandError("demo_code works only with the demo settings (config.settings.dev).")
        schema = "public"
        if options["school"]:
            school = School.objects.filter(slug=options["school"]).first()
            if school is None:
                raise CommandError(f"no school {options['school']}")
            schema = school.schema_name
        with schema_context(schema):
            device = TOTPDevice.objects.filter(
                user__username=options["username"], confirmed=True
            ).first()
            if device is None:
                raise CommandError("this user has no confirmed TOTP device (run demo_seed)")
            code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
