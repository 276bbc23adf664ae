"""A synthetic municipality for load tests and benchmarks (#17): N schools, a small journal each.

The first school (`<prefix>0001`, the *seed*) is onboarded by `school_create` and filled
through the journal's services (so rights, periods and rules are as in real use). Every
other school is onboarded the same way as `school_create` does it (school row, cloned
schema, host, the catalogue's defaults) but cloned from the seed's schema instead of the
empty base, by the project's bulk clone (`tenants.cloning.clone_schema`): one round trip
of SQL per school, so 1,000 schools take minutes, not hours.

Each school carries a marker a load test can check in a response: its name contains its
slug ("Синтетическая школа synth0042") and so does the surname of its marker pupil
(`synth_pupil`, "Маркер-synth0042"), whom the parent `synth_parent` sees in the diary.

Never part of the demo (`demo_seed` does not call this); never run it on a real deployment.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from accounts import roles
from accounts.models import User
from core.errors import ApplicationError
from tenants.cloning import clone_schema
from tenants.models import Domain, School
from tenants.selectors import school_cache_invalidate
from tenants.services import school_create
from tenants.signals import school_created

SYNTH_PASSWORD = "synth-2026"  # noqa: S105 - a published load-test credential, not a secret
MARKER_PUPIL = "synth_pupil"
MARKER_PARENT = "synth_parent"
TEACHERS = ("synth_teacher1", "synth_teacher2", "synth_teacher3", "synth_teacher4")
# subject -> (teacher index, weekly hours)
SUBJECTS = {
    "Русский язык": (0, 4),
    "Математика": (1, 5),
    "История": (2, 2),
    "Английский язык": (3, 3),
}
GRADES = (5, 6)
LAST = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов"]
FIRST_M = ["Александр", "Дмитрий", "Максим", "Иван", "Артём", "Никита"]
FIRST_F = ["Анна", "Мария", "София", "Алиса", "Виктория", "Полина"]
INN_BASE = 990_000_000  # nine digits, then the check digit; the tax region 99 is unused


def slug_for(prefix: str, number: int) -> str:
    return f"{prefix}{number:04d}"


def school_name(slug: str) -> str:
    return f"Синтетическая школа {slug}"


def marker_surname(slug: str) -> str:
    return f"Маркер-{slug}"


def synth_inn(prefix: str, number: int) -> str:
    """A valid legal-entity INN, distinct per (prefix, number)."""
    from tenants.services import INN_WEIGHTS_10

    salt = sum(ord(c) for c in prefix) % 90 * 10_000
    nine = str(INN_BASE + salt * 10 + number)[:9]
    check = sum(w * int(d) for w, d in zip(INN_WEIGHTS_10, nine, strict=False)) % 11 % 10
    return nine + str(check)


@dataclass(frozen=True)
class SynthResult:
    created: list[str]
    existing: int


def synth_schools(prefix: str) -> list[School]:
    return list(School.objects.filter(slug__regex=rf"^{prefix}[0-9]{{4}}$").order_by("slug"))


def _person(rng: random.Random) -> tuple[str, str]:
    last = rng.choice(LAST)
    if rng.random() < 0.5:
        return last, rng.choice(FIRST_M)
    return last + "а", rng.choice(FIRST_F)


def _login_ready(user: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user.set_password(SYNTH_PASSWORD)
    user.must_change_password = False
    user.save()
    if user.groups.exclude(name__in=[roles.PUPIL, roles.PARENT]).exists():
        # Privileged staff sign in with a second factor; the device (and its key) is
        # cloned into every school, so `demo_code` computes the codes of all of them.
        TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Синтез"})


def _seed_journal(*, slug: str, pupils: int, today: dt.date) -> None:
    """A small journal in the current schema: two classes, four teachers, lessons, marks."""
    from journal.register.models import Attendance, Lesson, Mark
    from journal.register.services import lessons_generate, work_kinds_ensure
    from journal.roster import services as roster
    from journal.structure import services as structure
    from journal.structure.models import ReportingPeriod, StaffMember

    rng = random.Random(17)  # noqa: S311 - synthetic data, reproducible
    admin = User.objects.get(username="admin")
    StaffMember.objects.get_or_create(user=admin, defaults={"position": "Директор"})
    start_year = today.year if today.month >= 9 else today.year - 1
    year = structure.academic_year_create(
        title=f"{start_year}/{start_year + 1}",
        starts_on=dt.date(start_year, 9, 1),
        ends_on=dt.date(start_year + 1, 8, 31),
        by=admin,
    )
    structure.bell_schedule_set(
        year=year,
        slots=[(i + 1, dt.time(8 + i, 0), dt.time(8 + i, 45)) for i in range(6)],
        by=admin,
    )
    teachers = []
    for k, username in enumerate(TEACHERS):
        last, first = _person(rng)
        teachers.append(
            structure.staff_member_create(
                username=username,
                last_name=last,
                first_name=first,
                position="Учитель",
                by=admin,
            )
        )
        if k == 0:
            deputy = structure.staff_member_create(
                username="synth_deputy",
                last_name="Завучева",
                first_name="Ольга",
                role_names=[roles.DEPUTY],
                position="Заместитель директора по УВР",
                by=admin,
            )
    subjects = {name: structure.subject_create(title=name, by=admin) for name in SUBJECTS}
    enrolled = year.starts_on
    per_class = [pupils // len(GRADES) + (1 if i < pupils % len(GRADES) else 0) for i in range(2)]
    classes = []
    for index, grade in enumerate(GRADES):
        group = structure.class_group_create(
            year=year, grade=grade, letter="А", class_teacher=teachers[index], by=admin
        )
        classes.append(group)
        for i in range(per_class[index]):
            marker = index == 0 and i == 0
            last, first = _person(rng)
            pupil = roster.pupil_create(
                last_name=last,
                first_name=first,
                class_group=group,
                enrolled_on=enrolled,
                order_number=f"{grade}-у/{i + 1}",
                username=MARKER_PUPIL if marker else "",
                by=admin,
            )
            parent = roster.guardian_create(
                last_name=last,
                first_name=rng.choice(FIRST_F),
                username=MARKER_PARENT if marker else "",
                by=admin,
            )
            roster.guardian_link_create(guardian=parent, pupil=pupil, relation="mother", by=admin)
        slot_cursor = 0
        for name, (teacher_index, hours) in SUBJECTS.items():
            assignment = structure.teaching_assignment_create(
                teacher=teachers[teacher_index],
                subject=subjects[name],
                class_group=group,
                weekly_hours=Decimal(hours),
                by=admin,
            )
            placed = 0
            while placed < hours:
                weekday, slot = slot_cursor % 5 + 1, slot_cursor // 5 % 6 + 1
                slot_cursor += 1
                try:
                    with transaction.atomic():
                        structure.timetable_entry_create(
                            assignment=assignment,
                            weekday=weekday,
                            slot=slot,
                            room=str(200 + grade),
                            by=admin,
                        )
                    placed += 1
                except ApplicationError:
                    continue  # the teacher is busy in the other class then
    periods = ReportingPeriod.objects.filter(
        year=year, starts_on__lte=max(today, year.starts_on)
    ).order_by("starts_on")
    for period in {(p.grade_from, p.grade_to): p for p in periods}.values():
        lessons_generate(period=period, by=deputy.user)

    # Two weeks of marks and absences up to the last lesson day (bulk, as the demo does).
    kinds = work_kinds_ensure()
    held = Lesson.objects.filter(assignment__year=year, date__lte=today)
    last_day = held.order_by("-date").values_list("date", flat=True).first() or today
    lessons = list(
        held.filter(date__gte=last_day - dt.timedelta(weeks=2)).select_related(
            "assignment__teacher", "assignment__class_group"
        )
    )
    class_pupils: dict[int, list[int]] = {}
    from journal.roster.models import Pupil

    for pid, cid in Pupil.objects.values_list("id", "class_group_id"):
        class_pupils.setdefault(cid, []).append(pid)
    marks, absences = [], []
    for lesson in lessons:
        lesson.homework = "Параграф по теме урока, упражнения 1–3"
        by = lesson.assignment.teacher.user_id
        for pid in class_pupils.get(lesson.assignment.class_group_id, []):
            r = rng.random()
            if r < 0.05:
                absences.append(
                    Attendance(
                        lesson=lesson, pupil_id=pid, code=Attendance.Code.ILL, marked_by_id=by
                    )
                )
            elif r < 0.35:
                kind = kinds["oral"] if r < 0.25 else kinds["independent"]
                marks.append(
                    Mark(
                        lesson=lesson,
                        pupil_id=pid,
                        work_kind=kind,
                        weight=kind.weight,
                        value=rng.choices([2, 3, 4, 5], weights=[1, 4, 6, 4])[0],
                        entered_by_id=by,
                    )
                )
    Lesson.objects.bulk_update(lessons, ["homework"], batch_size=1000)
    Mark.objects.bulk_create(marks, batch_size=2000)
    Attendance.objects.bulk_create(absences, batch_size=2000)

    for username in ("admin", "synth_deputy", *TEACHERS, MARKER_PUPIL, MARKER_PARENT):
        _login_ready(User.objects.get(username=username))
    User.objects.filter(username=MARKER_PUPIL).update(last_name=marker_surname(slug))


def _seed_school_create(*, prefix: str, pupils: int) -> School:
    slug = slug_for(prefix, 1)
    with transaction.atomic():
        created = school_create(
            slug=slug,
            name=school_name(slug),
            short_name=f"Синтез {slug}",
            inn=synth_inn(prefix, 1),
            admin_email=f"admin@{slug}.example",
            municipality_code="22701000",
        )
        with schema_context(created.school.schema_name):
            _seed_journal(slug=slug, pupils=pupils, today=timezone.localdate())
    return created.school


def _migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return set(cursor.fetchall())


@transaction.atomic
def synth_school_clone(*, seed: School, prefix: str, number: int) -> School:
    """One more school, cloned from the seed's schema with its own markers."""
    slug = slug_for(prefix, number)
    school = School.objects.create(
        slug=slug,
        schema_name=slug.replace("-", "_"),
        name=school_name(slug),
        short_name=f"Синтез {slug}",
        municipality_code="22701000",
        inn=synth_inn(prefix, number),
        status=School.Status.ACTIVE,
    )
    clone_schema(seed.schema_name, school.schema_name)
    hostname = f"{slug}.{settings.PLATFORM_DOMAIN}"
    Domain.objects.create(domain=hostname, tenant=school, is_primary=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{school.schema_name}".accounts_user SET last_name = %s '  # noqa: S608
            "WHERE username = %s",
            [marker_surname(slug), MARKER_PUPIL],
        )
    school_created.send(sender=School, school=school)  # the catalogue's defaults, as onboarding
    transaction.on_commit(lambda: school_cache_invalidate(hostnames=[hostname]))
    return school


def municipality_synth(
    *,
    schools: int,
    prefix: str = "synth",
    pupils: int = 20,
    progress: Callable[[str], None] | None = None,
) -> SynthResult:
    """Make `<prefix>0001` … `<prefix>NNNN` exist; only the missing ones are created."""
    if connection.schema_name != get_public_schema_name():  # type: ignore[attr-defined]
        raise ApplicationError("Синтетические школы создаются из публичной схемы.")
    if not 1 <= schools <= 9999:
        raise ApplicationError("Число школ: от 1 до 9999.")
    existing = {s.slug for s in synth_schools(prefix)}
    created: list[str] = []
    seed_slug = slug_for(prefix, 1)
    if seed_slug not in existing:
        _seed_school_create(prefix=prefix, pupils=pupils)
        created.append(seed_slug)
        if progress:
            progress(seed_slug)
    seed = School.objects.get(slug=seed_slug)
    if _migrations(seed.schema_name) != _migrations(settings.TENANT_BASE_SCHEMA):
        raise ApplicationError(
            f"Схема {seed.schema_name} отстаёт от базовой: выполните platform_migrate."
        )
    for number in range(2, schools + 1):
        slug = slug_for(prefix, number)
        if slug in existing:
            continue
        synth_school_clone(seed=seed, prefix=prefix, number=number)
        created.append(slug)
        if progress:
            progress(slug)
    return SynthResult(created=created, existing=len(existing))


def municipality_synth_drop(
    *, prefix: str = "synth", progress: Callable[[str], None] | None = None
) -> int:
    """Remove every `<prefix>NNNN` school: schema, host, row (one transaction per school,
    so PostgreSQL's lock table never holds more than one school's ~360 relations)."""
    dropped = 0
    for school in synth_schools(prefix):
        with transaction.atomic():
            hostnames = list(school.domains.values_list("domain", flat=True))
            with connection.cursor() as cursor:
                # Deferred checks still pending in the caller's transaction would stop DROP.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f'DROP SCHEMA IF EXISTS "{school.schema_name}" CASCADE')
            school.delete()
            transaction.on_commit(partial(school_cache_invalidate, hostnames=hostnames))
        dropped += 1
        if progress:
            progress(school.slug)
    return dropped
