"""The one `world`: a small school year in school1 with one persona per role (the access-
matrix cast), used by the journal, page, browser and identity tests alike.

Dates are built around the test clock's today (tests/clock.py), in the school year that
contains it, so that entry deadlines and windows behave as in real life on any day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from accounts import roles
from accounts.models import User
from journal.register.models import Lesson
from journal.register.services import work_kinds_ensure
from journal.roster import services as roster
from journal.roster.models import Pupil
from journal.structure import services as structure
from journal.structure.models import ReportingPeriod, StaffMember

STAFF = {roles.DIRECTOR, roles.DEPUTY, roles.JOURNAL_ADMIN, roles.SECRETARY, roles.TEACHER}


def make_user(username: str, *role_names: str, last_name: str = "") -> User:
    user = User.objects.create_user(
        username, password="x-pass-12345", last_name=last_name or username.capitalize()
    )
    user.first_name = "Тест"
    user.save()
    user.groups.add(*Group.objects.filter(name__in=role_names))
    if STAFF.intersection(role_names):
        StaffMember.objects.create(user=user)
    return user


@dataclass
class World:
    today: dt.date
    users: dict[str, User]
    year: Any
    period: ReportingPeriod
    class5a: Any
    class5b: Any
    class1a: Any
    math: Any
    russian: Any
    pe: Any
    math5a: Any
    russian5b: Any
    reading1a: Any
    pupils: list[Pupil]
    other_pupil: Pupil
    lesson_today: Lesson
    lesson_yesterday: Lesson
    lesson_old: Lesson
    lesson_1a: Lesson
    lesson_subst: Lesson
    extra: dict[str, Any] = field(default_factory=dict)

    def client(self, persona: str) -> APIClient:
        client = APIClient(HTTP_HOST="school1.localhost")
        client.force_authenticate(self.users[persona])
        return client


def staff(user: User) -> StaffMember:
    return StaffMember.objects.get(user=user)


def school_year_create(day: dt.date, *, by: User) -> Any:
    """The school year that contains `day` (1 September to 31 August), with the periods of
    the school's scheme: what a school would have on that day."""
    start_year = day.year if day.month >= 9 else day.year - 1
    return structure.academic_year_create(
        title=f"{start_year}/{start_year + 1}",
        starts_on=dt.date(start_year, 9, 1),
        ends_on=dt.date(start_year + 1, 8, 31),
        by=by,
    )


def period_of(year: Any, *, grade: int, day: dt.date) -> ReportingPeriod:
    """The grade's reporting period on `day`: the one running, else the last one ended
    (holidays, summer), else the first (before the year's first period)."""
    periods = list(
        ReportingPeriod.objects.filter(
            year=year, grade_from__lte=grade, grade_to__gte=grade
        ).order_by("starts_on")
    )
    running = [p for p in periods if p.starts_on <= day <= p.ends_on]
    ended = [p for p in periods if p.ends_on < day]
    return (running or ended[-1:] or periods)[0]


def build_world(n_pupils: int = 5) -> World:
    today = timezone.localdate()
    u = {
        "director": make_user("director", roles.DIRECTOR),
        "deputy": make_user("deputy", roles.DEPUTY),
        "journal_admin": make_user("jadmin", roles.JOURNAL_ADMIN),
        "secretary": make_user("secretary", roles.SECRETARY),
        "teacher": make_user("teacher", roles.TEACHER, last_name="Математикова"),
        "other_teacher": make_user("otherteacher", roles.TEACHER, last_name="Русакова"),
        "class_teacher": make_user("classteacher", roles.TEACHER, last_name="Классная"),
        "substitute": make_user("substitute", roles.TEACHER, last_name="Заменова"),
        "substitute_no_grant": make_user("subnogrant", roles.TEACHER, last_name="Безгрантова"),
    }
    boss = u["director"]
    year = school_year_create(today, by=boss)
    structure.bell_schedule_set(
        year=year,
        slots=[(n, dt.time(7 + n, 0), dt.time(7 + n, 45)) for n in range(1, 8)],
        by=boss,
    )
    period = period_of(year, grade=5, day=today)
    class5a = structure.class_group_create(
        year=year, grade=5, letter="А", class_teacher=staff(u["class_teacher"]), by=boss
    )
    class5b = structure.class_group_create(year=year, grade=5, letter="Б", by=boss)
    class1a = structure.class_group_create(year=year, grade=1, letter="А", by=boss)
    math = structure.subject_create(title="Математика", by=boss)
    russian = structure.subject_create(title="Русский язык", by=boss)
    pe = structure.subject_create(title="Физическая культура", is_physical_education=True, by=boss)
    reading = structure.subject_create(title="Литературное чтение", by=boss)
    math5a = structure.teaching_assignment_create(
        teacher=staff(u["teacher"]),
        subject=math,
        class_group=class5a,
        weekly_hours=Decimal(4),
        by=boss,
    )
    russian5b = structure.teaching_assignment_create(
        teacher=staff(u["other_teacher"]),
        subject=russian,
        class_group=class5b,
        weekly_hours=Decimal(5),
        by=boss,
    )
    reading1a = structure.teaching_assignment_create(
        teacher=staff(u["teacher"]),
        subject=reading,
        class_group=class1a,
        weekly_hours=Decimal(4),
        by=boss,
    )
    enrolled = today - dt.timedelta(days=90)
    pupils = [
        roster.pupil_create(
            last_name=f"Ученик{i:02d}",
            first_name="Иван",
            class_group=class5a,
            enrolled_on=enrolled,
            order_number=f"12-у/{i}",
            username=f"pupil{i}" if i else "pupil",
            by=u["secretary"],
        )
        for i in range(n_pupils)
    ]
    other_pupil = roster.pupil_create(
        last_name="Другой",
        first_name="Пётр",
        class_group=class5b,
        enrolled_on=enrolled,
        order_number="12-у/99",
        username="otherpupil",
        by=u["secretary"],
    )
    first_graders = [
        roster.pupil_create(
            last_name=f"Первоклассник{i}",
            first_name="Юрий",
            class_group=class1a,
            enrolled_on=enrolled,
            order_number=f"13-у/{i}",
            by=u["secretary"],
        )
        for i in range(2)
    ]
    u["pupil"] = pupils[0].user
    parent = roster.guardian_create(last_name="Родителева", first_name="Анна", by=boss)
    roster.guardian_link_create(guardian=parent, pupil=pupils[0], relation="mother", by=boss)
    roster.consent_record(
        pupil=pupils[0],
        guardian=parent,
        signed_on=enrolled,
        scan_reference="scan/0001.pdf",
        by=u["secretary"],
    )
    other_parent = roster.guardian_create(last_name="Чужая", first_name="Ольга", by=boss)
    roster.guardian_link_create(
        guardian=other_parent, pupil=other_pupil, relation="mother", by=boss
    )
    roster.consent_record(
        pupil=other_pupil,
        guardian=other_parent,
        signed_on=enrolled,
        scan_reference="scan/0002.pdf",
        by=u["secretary"],
    )
    u["parent"] = parent.user
    u["other_parent"] = other_parent.user
    lesson_today = Lesson.objects.create(assignment=math5a, date=today, slot=2)
    lesson_yesterday = Lesson.objects.create(
        assignment=math5a, date=today - dt.timedelta(days=1), slot=2
    )
    lesson_old = Lesson.objects.create(
        assignment=math5a, date=today - dt.timedelta(days=20), slot=2
    )
    lesson_subst = Lesson.objects.create(assignment=math5a, date=today, slot=5)
    from journal.register.services import substitution_grant

    substitution_grant(lesson=lesson_subst, substitute=staff(u["substitute"]), by=u["deputy"])
    lesson_1a = Lesson.objects.create(assignment=reading1a, date=today, slot=1)
    work_kinds_ensure()
    return World(
        today=today,
        users=u,
        year=year,
        period=period,
        class5a=class5a,
        class5b=class5b,
        class1a=class1a,
        math=math,
        russian=russian,
        pe=pe,
        math5a=math5a,
        russian5b=russian5b,
        reading1a=reading1a,
        pupils=pupils,
        other_pupil=other_pupil,
        lesson_today=lesson_today,
        lesson_yesterday=lesson_yesterday,
        lesson_old=lesson_old,
        lesson_1a=lesson_1a,
        lesson_subst=lesson_subst,
        extra={"first_graders": first_graders},
    )


def last_period_end(world: World, grade: int = 5) -> dt.date:
    """The end of the grade's last period in the world's year (year marks open two weeks
    before it, MRK-3)."""
    with schema_context("school1"):
        periods = ReportingPeriod.objects.filter(
            year=world.year, grade_from__lte=grade, grade_to__gte=grade
        )
        return max(p.ends_on for p in periods)


def school_day_of(day: dt.date) -> dt.date:
    """A Wednesday in the middle of the 2nd period of the school year containing `day`:
    inside a period of every seeded scheme, with lessons on the days before it."""
    start_year = day.year if day.month >= 9 else day.year - 1
    mid_november = dt.date(start_year, 11, 18)
    return mid_november + dt.timedelta(days=(2 - mid_november.weekday()) % 7)


@pytest.fixture
def school_day() -> Iterator[dt.date]:
    """The clock on a school day inside a period, for the test that needs one (the grid's
    open column is today's lesson, the diary's averages are the running period's).
    Request it before `world` (`@pytest.mark.usefixtures("school_day")`), so the world is
    built on that day."""
    from tests import clock

    day = school_day_of(timezone.localdate())
    with clock.on(day):
        yield day


@pytest.fixture
def world(school1: Any) -> Iterator[World]:
    with schema_context("school1"):
        built = build_world()
    yield built


@pytest.fixture
def school2_director(school2: Any) -> User:
    """A director of school2: the strongest role of another school."""
    with schema_context("school2"):
        return make_user("director2", roles.DIRECTOR)


def school2_client(user: User) -> APIClient:
    client = APIClient(HTTP_HOST="school2.localhost")
    client.force_authenticate(user)
    return client
