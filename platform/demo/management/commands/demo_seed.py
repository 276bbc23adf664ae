"""Seed the demo municipality: operator, department, three schools and their journals.

Idempotent: running it again keeps what exists. Passwords are fixed demo passwords,
printed by `make demo`; never run this against a real deployment.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from accounts.models import User
from tenants.models import School
from tenants.services import school_create

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - a published demo credential, not a secret
DEMO_SCHOOLS = [
    ("school1", "МБОУ «Средняя общеобразовательная школа № 1»", "СОШ № 1", "7707083893"),
    ("school2", "МБОУ «Гимназия № 2»", "Гимназия № 2", "7728168971"),
    ("school3", "МБОУ «Лицей № 3»", "Лицей № 3", "7830002293"),
]
# Staff of the seeded journal who get the demo password (the seed itself sets none).
JOURNAL_LOGINS = ["zavuch", "admin_ej", "secretar", "teacher000", "teacher021"]
PUBLIC_USERS = [
    ("operator", "operator", "Оператор", "Муниципальный"),
    ("department", "department", "Управление", "Образования"),
]


def ensure_demo_device(user: User) -> None:
    """A confirmed TOTP device, so privileged demo users sign in with `demo_code`."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Демо", confirmed=True)


def _ensure_user(username: str, role: str, first: str, last: str) -> None:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last}
    )
    user.set_password(DEMO_PASSWORD)
    user.must_change_password = False
    user.save()
    user.groups.add(Group.objects.get(name=role))
    ensure_demo_device(user)


def seed_department_figures(commands: dict[str, str]) -> None:
    """The department's dashboard has figures right after start (issue #13): period marks
    for each demo school's ended periods, then each school's rollup now, as the nightly
    task would."""
    from department.services import rollup_refresh

    for slug, *_rest in DEMO_SCHOOLS:
        with schema_context(slug):
            if "demo_seed_period_marks" in commands:
                call_command("demo_seed_period_marks")
            rollup_refresh()


class Command(BaseCommand):
    help = "Seed the demo municipality (idempotent)"

    def handle(self, *args: Any, **options: Any) -> None:
        with schema_context("public"):
            for username, role, first, last in PUBLIC_USERS:
                _ensure_user(username, role, first, last)
        commands = get_commands()
        if "demo_seed_catalog" in commands:
            call_command("demo_seed_catalog")
        for slug, name, short_name, inn in DEMO_SCHOOLS:
            if not School.objects.filter(slug=slug).exists():
                school_create(
                    slug=slug,
                    name=name,
                    short_name=short_name,
                    inn=inn,
                    admin_email=f"admin@{slug}.example",
                    municipality_code="22701000",
                )
                self.stdout.write(f"created {slug}")
            with schema_context(slug):
                admin = User.objects.get(username="admin")
                admin.set_password(DEMO_PASSWORD)
                admin.must_change_password = False
                admin.save()
                ensure_demo_device(admin)
                if "demo_seed_journal" in commands:
                    call_command("demo_seed_journal", pupils=25, weeks=3)
                    for user in User.objects.filter(username__in=JOURNAL_LOGINS):
                        user.set_password(DEMO_PASSWORD)
                        user.must_change_password = False
                        user.save()
                        ensure_demo_device(user)
        seed_department_figures(commands)
        self.stdout.write(self.style.SUCCESS("demo municipality ready"))
