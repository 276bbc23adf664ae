"""The benches' throwaway school: created in the bench's database as a real one is (cloned),
dropped at the end; and the large school's frame (classes, subjects, teachers, pupils) that
the archive and reports benches fill with lessons and marks of their own.

Imported after django.setup() (the benches set Django up at the top); the models are
imported where they are used.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tests.world import World, make_user, staff

# Valid legal-entity INNs (check digit correct); a throwaway school takes one not in use.
VALID_INNS = ("7830002293", "5258052348", "7728168971", "7707083893", "7736207543")
SUBJECTS = [
    "Русский язык",
    "Литература",
    "Математика",
    "Английский язык",
    "История",
    "Обществознание",
    "География",
    "Биология",
    "Физика",
    "Химия",
    "Информатика",
    "Музыка",
    "Изобразительное искусство",
    "Технология",
    "Физическая культура",
]
LETTERS = "ВГДЕ"
LESSONS_PER_WEEK = 3


@dataclass(frozen=True)
class BenchSchool:
    slug: str
    schema: str
    host: str


def throwaway_school(kind: str, name: str) -> BenchSchool:
    """A school `bench-<kind>-<random>` named `name`, created through school_create."""
    from django.conf import settings

    from core.tenancy import db
    from tenants.models import School
    from tenants.services import school_create

    slug = f"bench-{kind}-{secrets.token_hex(3)}"
    db.set_schema_to_public()
    used = set(School.objects.values_list("inn", flat=True))
    inn = next(i for i in VALID_INNS if i not in used)
    school_create(slug=slug, name=name, short_name="Бенч", inn=inn, admin_email="b@example.org")
    return BenchSchool(slug, slug.replace("-", "_"), f"{slug}.{settings.PLATFORM_DOMAIN}")


def school_drop(school: BenchSchool) -> None:
    """The school's schema, domain and row, gone."""
    from django.db import connection

    from core.tenancy import db
    from tenants.models import Domain, School

    db.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{school.schema}" CASCADE')
    Domain.objects.filter(domain=school.host).delete()
    School.objects.filter(schema_name=school.schema).delete()


@dataclass
class LargeSchool:
    subjects: list[Any]
    classes: list[Any]
    assignments: list[Any]
    pupils: dict[int, list[Any]]  # class id -> its pupils
    periods: list[Any]  # the year's reporting periods, in order


def large_school(world: World, per_class: int) -> LargeSchool:
    """In the current school's schema: 40 classes (grades 2-11, four each), the 15 subjects
    taught in every class (LESSONS_PER_WEEK hours) by a teacher each, `per_class` pupils in
    every class enrolled on the year's first day."""
    from journal.roster import services as roster
    from journal.structure.models import ClassGroup, ReportingPeriod, Subject, TeachingAssignment

    year = world.year
    subjects = [
        Subject.objects.get_or_create(
            title=title,
            defaults={"short_title": title[:6], "is_physical_education": title.startswith("Физи")},
        )[0]
        for title in SUBJECTS
    ]
    teachers = [
        staff(make_user(f"bench-t{i:02d}", "teacher", last_name=f"Учителева{i:02d}"))
        for i in range(len(SUBJECTS))
    ]
    classes = ClassGroup.objects.bulk_create(
        ClassGroup(year=year, grade=grade, letter=letter)
        for grade in range(2, 12)
        for letter in LETTERS
    )
    assignments = TeachingAssignment.objects.bulk_create(
        TeachingAssignment(
            year=year,
            teacher=teachers[j],
            subject=subject,
            class_group=group,
            weekly_hours=Decimal(LESSONS_PER_WEEK),
        )
        for group in classes
        for j, subject in enumerate(subjects)
    )
    pupils = {
        group.pk: [
            roster.pupil_create(
                last_name=f"Ученик{group.grade:02d}{group.letter}{n:02d}",
                first_name="Иван",
                class_group=group,
                enrolled_on=year.starts_on,
                order_number=f"b-{group.pk}-{n}",
                by=world.users["secretary"],
            )
            for n in range(per_class)
        ]
        for group in classes
    }
    periods = list(ReportingPeriod.objects.filter(year=year).order_by("starts_on"))
    return LargeSchool(subjects, classes, assignments, pupils, periods)


def marks_and_absences(
    world: World,
    lessons: list[Any],
    class_of: dict[int, int],
    pupils: dict[int, list[Any]],
    *,
    mark_every: int,
    absence_every: int,
) -> tuple[int, int]:
    """Over every lesson × its class's pupils: an oral mark (2-5) in each `mark_every`-th
    cell, an absence in each `absence_every`-th of the others (entered by the teacher).
    `class_of` maps an assignment's id to its class's. Returns (marks, absences)."""
    from journal.register.models import Attendance, Mark, WorkKind

    oral = WorkKind.objects.get(code="oral")
    entered_by = world.users["teacher"]
    marks, absences = [], []
    for i, lesson in enumerate(lessons):
        for j, p in enumerate(pupils[class_of[lesson.assignment_id]]):
            if (i + j) % mark_every == 0:
                marks.append(
                    Mark(
                        lesson=lesson,
                        pupil=p,
                        value=2 + (i + j) % 4,
                        work_kind=oral,
                        weight=1,
                        entered_by=entered_by,
                    )
                )
            elif (i + j) % absence_every == 1:
                absences.append(
                    Attendance(
                        lesson=lesson, pupil=p, code="НБУ"[(i + j) % 3], marked_by=entered_by
                    )
                )
    Mark.objects.bulk_create(marks, batch_size=5000)
    Attendance.objects.bulk_create(absences, batch_size=5000)
    return len(marks), len(absences)
