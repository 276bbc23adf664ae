"""The weekly timetable as people read it (SET-3): one shape and one template
(`web/_timetable_week.html`) for the learner's timetable (`diary:timetable`) and the
teacher's week (`web:teacher-timetable`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from journal.structure.models import BellSlot

WEEKDAYS = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"]


@dataclass
class TimetableLesson:
    slot: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    subject: str
    room: str
    teacher: str = ""  # the learner's view names the teacher
    class_title: str = ""  # the teacher's view names the class (and subgroup)
    lesson_id: int | None = None  # a dated lesson exists: the link opens it
    grid_id: int | None = None  # the journal grid the slot belongs to (own assignments)
    covering_for: str = ""  # a substitution: whose lesson the teacher takes (ROLE-3)
    replaced_by: str = ""  # the teacher's own lesson taken by a substitute


@dataclass
class TimetableDay:
    weekday: str
    lessons: list[TimetableLesson]
    date: dt.date | None = None  # the teacher's week is dated; the learner's is a pattern


def bells_of(year_id: int) -> dict[int, tuple[dt.time, dt.time]]:
    """The year's bell schedule: lesson number -> (start, end). One query."""
    return {
        number: (starts, ends)
        for number, starts, ends in BellSlot.objects.filter(year_id=year_id).values_list(
            "number", "starts_at", "ends_at"
        )
    }


def times(
    bells: dict[int, tuple[dt.time, dt.time]], number: int
) -> tuple[dt.time | None, dt.time | None]:
    """Lesson `number`'s start and end from the bells (None when the bell is not set)."""
    return bells.get(number, (None, None))
