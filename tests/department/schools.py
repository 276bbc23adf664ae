"""Two hand-built schools for the department's tests (issue #13), figures written by hand.

school1 (A), year 2025/2026, quarters in grades 2–9:

| class | pupils | Математика, 2nd quarter | Русский язык, 2nd quarter |
| --- | --- | --- | --- |
| 7А | 6 | 5 5 4 3 2 н/а | 5 4 4 4 3 3 |
| 8А | 3 (the planted small class) | 5 5 5 | — |
| 9А | 5 | 4 4 4 4 4 (1st quarter too) | — |

7А mathematics, 1st quarter: 4 4 4 4 4 4. Two mathematics lessons of 7А in November
(one with a topic, one with homework, one with a mark); absences on them: Б, Н, О.

school2 (B): 7А, 5 pupils, Математика 2nd quarter 4 4 4 3 3.

Every pupil carries a marker name and a СНИЛС in the patronymic, so that any leak of a
pupil's data shows up in the sweep.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django_tenants.utils import schema_context

from accounts import roles
from journal.register.models import Attendance, Lesson, Mark, PeriodMark, WorkKind
from journal.register.services import work_kinds_ensure
from journal.roster import services as roster
from journal.structure import services as structure
from tests import clock
from tests.world import make_user, period_of, staff

YEAR_START = dt.date(2025, 9, 1)
BUILD_DAY = dt.date(2025, 12, 24)  # inside the 2nd quarter
ROLLUP_DAY = dt.date(2026, 1, 20)  # after it: both quarters have started and ended
MARKER = "Маркеров"
SNILS = "112-233-445 95"


@dataclass
class HandSchool:
    schema: str
    year: Any
    q1: Any
    q2: Any
    classes: dict[str, Any] = field(default_factory=dict)
    pupils: dict[str, list[Any]] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)


def _class(school: HandSchool, title: str, grade: int, n: int, tag: str) -> Any:
    boss = school.users["director"]
    cls = structure.class_group_create(year=school.year, grade=grade, letter="А", by=boss)
    school.classes[title] = cls
    school.pupils[title] = [
        roster.pupil_create(
            last_name=f"{MARKER}{tag}{title}{i}",
            first_name="Секрет",
            patronymic=f"СНИЛС {SNILS}",
            class_group=cls,
            enrolled_on=school.q1.starts_on,
            order_number=f"{title}/{i}",
            by=school.users["secretary"],
        )
        for i in range(n)
    ]
    return cls


def _period_marks(
    school: HandSchool, title: str, assignment: Any, period: Any, values: list[str]
) -> None:
    for pupil, value in zip(school.pupils[title], values, strict=True):
        PeriodMark.objects.create(
            pupil=pupil,
            assignment=assignment,
            period=period,
            kind="period",
            value=value,
            entered_by=school.users["teacher"],
        )


def build(schema: str, tag: str) -> HandSchool:
    with clock.on(BUILD_DAY), schema_context(schema):
        users = {
            "director": make_user(f"dir{tag}", roles.DIRECTOR),
            "deputy": make_user(f"dep{tag}", roles.DEPUTY),
            "secretary": make_user(f"sec{tag}", roles.SECRETARY),
            "teacher": make_user(f"tea{tag}", roles.TEACHER),
        }
        year = structure.academic_year_create(
            title="2025/2026",
            starts_on=YEAR_START,
            ends_on=dt.date(2026, 8, 31),
            by=users["director"],
        )
        q2 = period_of(year, grade=7, day=BUILD_DAY)
        q1 = period_of(year, grade=7, day=q2.starts_on - dt.timedelta(days=10))
        school = HandSchool(schema, year, q1, q2, users=users)
        math = structure.subject_create(title="Математика", by=users["director"])
        russian = structure.subject_create(title="Русский язык", by=users["director"])

        def assign(cls: Any, subject: Any) -> Any:
            return structure.teaching_assignment_create(
                teacher=staff(users["teacher"]),
                subject=subject,
                class_group=cls,
                weekly_hours=Decimal(4),
                by=users["director"],
            )

        if tag == "A":
            c7 = _class(school, "7А", 7, 6, tag)
            m7, r7 = assign(c7, math), assign(c7, russian)
            _period_marks(school, "7А", m7, q2, ["5", "5", "4", "3", "2", "н/а"])
            _period_marks(school, "7А", r7, q2, ["5", "4", "4", "4", "3", "3"])
            _period_marks(school, "7А", m7, q1, ["4"] * 6)
            c8 = _class(school, "8А", 8, 3, tag)
            _period_marks(school, "8А", assign(c8, math), q2, ["5", "5", "5"])
            # The only 8th grade of the municipality is small: to keep it hidden, one more
            # grade of A's mathematics must be hidden with it (the smallest: 9А).
            c9 = _class(school, "9А", 9, 5, tag)
            m9 = assign(c9, math)
            _period_marks(school, "9А", m9, q2, ["4"] * 5)
            _period_marks(school, "9А", m9, q1, ["4"] * 5)
            first = Lesson.objects.create(
                assignment=m7, date=dt.date(2025, 11, 10), slot=1, topic="Дроби"
            )
            second = Lesson.objects.create(
                assignment=m7, date=dt.date(2025, 11, 11), slot=1, homework="№ 5"
            )
            work_kinds_ensure()
            Mark.objects.create(
                lesson=first,
                pupil=school.pupils["7А"][0],
                value=5,
                work_kind=WorkKind.objects.order_by("pk")[0],
                weight=1,
                entered_by=users["teacher"],
            )
            for lesson, pupil, code in (
                (first, 1, "Б"),
                (first, 2, "О"),
                (second, 3, "Н"),
            ):
                Attendance.objects.create(
                    lesson=lesson,
                    pupil=school.pupils["7А"][pupil],
                    code=code,
                    marked_by=users["teacher"],
                )
        else:
            c7 = _class(school, "7А", 7, 5, tag)
            _period_marks(school, "7А", assign(c7, math), q2, ["4", "4", "4", "3", "3"])
        return school


def refresh(*schemas: str) -> None:
    from department.services import rollup_refresh

    with clock.on(ROLLUP_DAY):
        for schema in schemas:
            with schema_context(schema):
                rollup_refresh()
