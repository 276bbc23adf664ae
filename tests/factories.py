"""factory_boy factories for the rows tests make by the hundred (lessons and marks written
straight to the tables, around the services, to build a size quickly).

Run inside the school's schema.
"""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from journal.register.models import Attendance, Lesson, Mark, WorkKind
from journal.roster import services as roster
from tests.world import World


class LessonFactory(DjangoModelFactory):
    class Meta:
        model = Lesson

    slot = 6


class MarkFactory(DjangoModelFactory):
    """An oral answer («ответ на уроке») with its weight, unless told otherwise."""

    class Meta:
        model = Mark

    value = 4
    work_kind = factory.LazyFunction(lambda: WorkKind.objects.get(code="oral"))
    weight = factory.LazyAttribute(lambda mark: mark.work_kind.weight)


def journal_fill(world: World, pupils: int, lessons: int) -> None:
    """Grow the world's 5А mathematics journal to `pupils` × `lessons`, with a mark and an
    absence in every few cells (inside the school1 schema)."""
    for i in range(len(world.pupils), pupils):
        world.pupils.append(
            roster.pupil_create(
                last_name=f"Доп{i:02d}",
                first_name="Илья",
                class_group=world.class5a,
                enrolled_on=world.today - dt.timedelta(days=90),
                order_number=f"x-{i}",
                by=world.users["secretary"],
            )
        )
    # Two lessons a day from the period's first day, in slots the world's lessons leave free.
    start = world.period.starts_on
    existing = Lesson.objects.filter(assignment=world.math5a, slot__gte=6).count()
    Lesson.objects.bulk_create(
        Lesson(assignment=world.math5a, date=start + dt.timedelta(days=i // 2), slot=6 + i % 2)
        for i in range(existing, lessons)
    )
    oral = WorkKind.objects.get(code="oral")
    all_lessons = list(Lesson.objects.filter(assignment=world.math5a))
    Mark.objects.bulk_create(
        Mark(
            lesson=lesson,
            pupil=p,
            value=2 + (i + j) % 4,
            work_kind=oral,
            weight=1,
            entered_by=world.users["teacher"],
        )
        for i, lesson in enumerate(all_lessons)
        for j, p in enumerate(world.pupils)
        if (i + j) % 3 == 0
    )
    Attendance.objects.bulk_create(
        (
            Attendance(lesson=lesson, pupil=p, code="Н", marked_by=world.users["teacher"])
            for i, lesson in enumerate(all_lessons)
            for j, p in enumerate(world.pupils)
            if (i + j) % 7 == 0
        ),
        ignore_conflicts=True,
    )
