"""Fill the journal world with more pupils, lessons, marks and absences: query-budget tests
and the benchmarks (bench/) compare two sizes of the same class."""

from __future__ import annotations

import datetime as dt

from journal.register.models import Attendance, Lesson, Mark, WorkKind
from journal.roster import services as roster
from tests.journal.conftest import World


def fill_journal(world: World, *, pupils: int, lessons: int) -> None:
    """Add pupils and lessons with a mark and an absence in every few cells."""
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
    start = world.today - dt.timedelta(days=80)
    existing = Lesson.objects.filter(assignment=world.math5a).count()
    Lesson.objects.bulk_create(
        Lesson(
            assignment=world.math5a,
            date=start + dt.timedelta(days=i // 2),
            slot=6 + existing + i % 2,
        )
        for i in range(max(0, lessons - existing))
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
