"""Reads of the weekly timetable pages (SET-3): the teacher's own week on its dates.

The learner's timetable reads through `journal.web.diary.selectors.diary_timetable`; both
give `journal.web.timetable.TimetableDay` rows for one template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from journal.access import scope_for
from journal.register.models import Lesson
from journal.structure import selectors as structure_selectors
from journal.structure.models import AcademicYear, StaffMember
from journal.web.timetable import WEEKDAYS, TimetableDay, TimetableLesson, bells_of, times

# ---------------------------------------------------------------- teacher: the week's timetable


@dataclass
class TeacherWeek:
    week_start: dt.date
    days: list[TimetableDay]
    has_timetable: bool  # the school year of the week has a timetable for this teacher


def teacher_timetable(*, for_user: Any, week_start: dt.date) -> TeacherWeek:
    """The teacher's own week (SET-3, ROLE-3): the weekly timetable laid on the week's dates,
    with the dated lessons (their pages), the lessons the teacher takes as a substitute and
    their own lessons taken by someone else. Only the user's own slots: a teacher's
    timetable is theirs, whatever else their role reads. Six queries whatever the number of
    lessons (the staff member, the year, the timetable with its class check, the lessons,
    the bells)."""
    empty = TeacherWeek(week_start, [], False)
    scope = scope_for(for_user)
    if not scope.is_staff or scope.is_pupil:
        return empty
    staff = StaffMember.objects.filter(user_id=for_user.pk).first()
    if staff is None:
        return empty
    week_end = week_start + dt.timedelta(days=6)
    year = (
        AcademicYear.objects.filter(starts_on__lte=week_end, ends_on__gte=week_start)
        .order_by("-is_current", "-starts_on")
        .first()
    )
    if year is None:
        return empty
    entries = list(
        structure_selectors.timetable(for_user=for_user, teacher_id=staff.pk)
        .filter(year=year)
        .select_related("subgroup")
    )
    lessons = list(
        Lesson.objects.filter(
            Q(assignment__teacher_id=staff.pk) | Q(id__in=scope.substitute_lesson_ids),
            assignment__year=year,
            date__gte=week_start,
            date__lte=week_end,
        )
        .select_related(
            "assignment__subject",
            "assignment__class_group",
            "assignment__subgroup",
            "assignment__teacher__user",
            "substitute__user",
        )
        .order_by("date", "slot", "id")
    )
    bells = bells_of(year.pk)
    rooms = {(e.assignment_id, e.weekday, e.slot): e.room for e in entries}

    def class_title(group: Any, subgroup: Any) -> str:
        return f"{group.title} ({subgroup.title})" if subgroup else str(group.title)

    days = []
    for offset in range(year.days_per_week):
        day = week_start + dt.timedelta(days=offset)
        weekday = offset + 1
        by_key: dict[tuple[int, int], TimetableLesson] = {}
        if year.starts_on <= day <= year.ends_on:
            for e in entries:
                if e.weekday == weekday:
                    by_key[(e.assignment_id, e.slot)] = TimetableLesson(
                        e.slot,
                        *times(bells, e.slot),
                        subject=e.assignment.subject.title,
                        room=e.room,
                        class_title=class_title(e.class_group, e.subgroup),
                        grid_id=e.assignment_id,
                    )
        for lesson in lessons:
            if lesson.date != day:
                continue
            a = lesson.assignment
            own = a.teacher_id == staff.pk
            by_key[(a.pk, lesson.slot)] = TimetableLesson(
                lesson.slot,
                *times(bells, lesson.slot),
                subject=a.subject.title,
                room=rooms.get((a.pk, weekday, lesson.slot), ""),
                class_title=class_title(a.class_group, a.subgroup),
                lesson_id=lesson.pk,
                grid_id=a.pk if own else None,
                covering_for="" if own else a.teacher.user.full_name,
                replaced_by=(
                    lesson.substitute.user.full_name
                    if own and lesson.substitute is not None and lesson.substitute_id != staff.pk
                    else ""
                ),
            )
        ordered = sorted(by_key.values(), key=lambda x: (x.slot, x.class_title))
        days.append(TimetableDay(WEEKDAYS[offset], ordered, day))
    return TeacherWeek(week_start, days, bool(entries))
