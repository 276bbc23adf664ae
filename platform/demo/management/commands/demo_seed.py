"""Seed the demo municipality: operator, department, three schools and their journals.

Idempotent: running it again keeps what exists. Passwords are fixed demo passwords,
printed by `make demo`; never run this against a real deployment. Who the people are
and how they sign in is `demo.logins` (one structure for the seed, the printed guide,
the Госуслуги stand-in and the browser test that follows the guide).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from accounts.models import User
from demo.logins import (
    DEMO_PASSWORD,
    DEMO_SCHOOLS,
    DIRECTOR_NAME,
    ESIA_PEOPLE,
    PUBLIC_STAFF,
    DemoSchool,
    EsiaPerson,
    EsiaRecord,
)
from tenants.models import School
from tenants.services import school_create

__all__ = ["DEMO_PASSWORD", "DEMO_SCHOOLS", "JOURNAL_LOGINS", "seed_demo"]

# Staff of the seeded journal who get the demo password (the seed itself sets none).
JOURNAL_LOGINS = ["zavuch", "admin_ej", "secretar", "teacher000", "teacher021"]


def ensure_demo_device(user: User) -> None:
    """A confirmed TOTP device, so privileged demo users sign in with `demo_code`."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Демо", confirmed=True)


def _ensure_public_user(username: str, role: str, last: str, first: str, middle: str) -> None:
    user, _ = User.objects.get_or_create(username=username)
    user.last_name, user.first_name, user.patronymic = last, first, middle
    user.set_password(DEMO_PASSWORD)
    user.must_change_password = False
    user.save()
    user.groups.add(Group.objects.get(name=role))
    ensure_demo_device(user)


def _name_director(admin: User) -> None:
    """The first administrator made by school_create has no name: the demo's director."""
    if not admin.last_name:
        admin.last_name = DIRECTOR_NAME.last
        admin.first_name = DIRECTOR_NAME.first
        admin.patronymic = DIRECTOR_NAME.middle
        admin.save(update_fields=["last_name", "first_name", "patronymic"])


def _record_user(record: EsiaRecord, person: EsiaPerson, boss: User) -> User | None:
    """Give the chosen seeded pupil (and, for a parent, their parent) the person's names."""
    from journal.roster import services as roster
    from journal.roster.models import Consent, GuardianLink, Pupil
    from journal.structure.models import ClassGroup

    group = (
        ClassGroup.objects.filter(grade=record.grade, letter="А")
        .order_by("-year__starts_on")
        .first()
    )
    pupils = list(Pupil.objects.filter(class_group=group).order_by("id")[: record.position + 1])
    if group is None or len(pupils) <= record.position:
        return None
    pupil = pupils[record.position]
    child = record.child or person.name
    User.objects.filter(pk=pupil.user_id).update(
        last_name=child.last, first_name=child.first, patronymic=child.middle
    )
    link = GuardianLink.objects.filter(pupil=pupil).select_related("guardian__user").first()
    if (
        link is not None
        and not Consent.objects.filter(pupil=pupil, revoked_on__isnull=True).exists()
    ):
        roster.consent_record(
            pupil=pupil,
            guardian=link.guardian,
            signed_on=group.year.starts_on,
            scan_reference=f"Согласия/{record.class_title}/демо.pdf",
            by=boss,
        )
    if record.child is None:
        if person.email:
            User.objects.filter(pk=pupil.user_id).update(email=person.email)
        return User.objects.get(pk=pupil.user_id)
    if link is None:
        return None
    guardian = link.guardian
    guardian.phone = person.phone
    guardian.save(update_fields=["phone"])
    User.objects.filter(pk=guardian.user_id).update(
        last_name=person.name.last,
        first_name=person.name.first,
        patronymic=person.name.middle,
        email=person.email,
    )
    if link.relation != link.Relation.MOTHER and person.name.last.endswith("а"):
        GuardianLink.objects.filter(pk=link.pk).update(relation=link.Relation.MOTHER)
    return User.objects.get(pk=guardian.user_id)


def link_esia_people(school_index: int, boss: User) -> list[str]:
    """The Госуслуги people of this school (demo.logins.ESIA_PEOPLE): their records named,
    the СНИЛС recorded, and linked to their Госуслуги account (the subject index entry
    the portal reads) when SSO_ISSUER names the stand-in. Returns what was linked."""
    from identity.hashing import snils_hash, subject_hash
    from journal.identity.services import (
        identity_attribute_record,
        identity_link_by_attribute,
        identity_unlink,
    )

    done = []
    for person in ESIA_PEOPLE:
        for record in person.records:
            if record.school != school_index:
                continue
            user = _record_user(record, person, boss)
            if user is None:
                continue
            # A link to an earlier issuer (another port) is dropped and made again.
            identity_unlink(person=user, by=boss)
            if not record.linked:
                continue
            identity_attribute_record(person=user, snils=person.snils, by=boss)
            if settings.SSO_ISSUER:
                identity_link_by_attribute(
                    subject_hash=subject_hash(issuer=settings.SSO_ISSUER, subject=person.oid),
                    snils_hash=snils_hash(person.snils),
                )
                done.append(f"{person.name.full} → {user.get_username()}")
    return done


def seed_demo(
    *,
    schools: Sequence[DemoSchool] = DEMO_SCHOOLS,
    pupils: int = 25,
    weeks: int = 3,
    log: Callable[[str], None] = print,
) -> None:
    with schema_context("public"):
        for username, role, name, _position in PUBLIC_STAFF:
            _ensure_public_user(username, role, name.last, name.first, name.middle)
    commands = get_commands()
    if "demo_seed_catalog" in commands:
        call_command("demo_seed_catalog")
    for index, school in enumerate(schools):
        if not School.objects.filter(slug=school.slug).exists():
            school_create(
                slug=school.slug,
                name=school.name,
                short_name=school.short_name,
                inn=school.inn,
                admin_email=f"admin@{school.slug}.example",
                municipality_code="22701000",
            )
            log(f"created {school.slug}")
        schema = School.objects.get(slug=school.slug).schema_name
        with schema_context(schema):
            admin = User.objects.get(username="admin")
            admin.set_password(DEMO_PASSWORD)
            admin.must_change_password = False
            admin.save()
            _name_director(admin)
            ensure_demo_device(admin)
            if "demo_seed_journal" in commands:
                # Each school its own people (the same seed would make three equal schools).
                call_command(
                    "demo_seed_journal", pupils=pupils, weeks=weeks, seed=2024 + index, verbosity=0
                )
                for user in User.objects.filter(username__in=JOURNAL_LOGINS):
                    user.set_password(DEMO_PASSWORD)
                    user.must_change_password = False
                    user.save()
                    ensure_demo_device(user)
                for line in link_esia_people(index, admin):
                    log(f"{school.slug}: Госуслуги {line}")
    seed_department_figures([s.slug for s in schools], commands)


def seed_department_figures(slugs: Sequence[str], commands: Any) -> None:
    """The department's dashboard has figures right after start (issue #13): period marks
    for each demo school's ended periods, then each school's rollup now, as the nightly
    task would."""
    from department.services import rollup_refresh

    for school in School.objects.filter(slug__in=slugs):
        with schema_context(school.schema_name):
            if "demo_seed_period_marks" in commands:
                call_command("demo_seed_period_marks")
            rollup_refresh()


class Command(BaseCommand):
    help = "Seed the demo municipality (idempotent)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--pupils", type=int, default=25, help="pupils per class")
        parser.add_argument("--weeks", type=int, default=3, help="weeks of marks")

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo(pupils=options["pupils"], weeks=options["weeks"], log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("demo municipality ready"))
