"""Reads of the diary (pupil, parent): whose diary, the week, progress (DIA-1, DIA-2, MRK-4).

A parent reaches only linked children with consent in force (SET-5), a pupil only themself:
`diary_children` is the access check the other reads rely on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, prefetch_related_objects
from django.http import Http404

from catalog.selectors import current_rules
from journal.access import scope_for
from journal.register import grading
from journal.register import selectors as reg_selectors
from journal.register.models import Attendance, Lesson, Mark, MarkCorrection, PeriodMark
from journal.roster.models import Pupil
from journal.structure import selectors as structure_selectors
from journal.structure.models import (
    AcademicYear,
    ReportingPeriod,
    SubgroupMember,
    TeachingAssignment,
    TimetableEntry,
)
from journal.web.selectors import period_chosen, periods_for_grade
from journal.web.timetable import WEEKDAYS, TimetableDay, TimetableLesson, bells_of, times


def diary_children(*, for_user: Any) -> list[Pupil]:
    """Whose diary the user may open: a pupil themself, a parent's linked children with
    consent in force (SET-5). One query (plus the scope)."""
    scope = scope_for(for_user)
    ids = scope.personal_pupil_ids
    if not ids:
        return []
    return list(
        Pupil.objects.filter(id__in=ids)
        .select_related("user", "class_group__year")
        .order_by("user__first_name", "id")
    )


@dataclass
class DiaryLesson:
    lesson: Lesson
    marks: list[tuple[int | None, str]]  # value (None: annulled), work kind
    attendance: str | None
    starts_at: dt.time | None = None  # from the year's bell schedule (SET-1)
    ends_at: dt.time | None = None
    room: str = ""  # from the weekly timetable (SET-3)


@dataclass
class DiaryDay:
    date: dt.date
    weekday: str
    lessons: list[DiaryLesson]


def pupil_assignments_q(pupil: Pupil) -> Q:
    """Assignments that teach this pupil: the class's whole-class ones and their subgroups."""
    return Q(class_group_id=pupil.class_group_id) & (
        Q(subgroup__isnull=True)
        | Q(subgroup_id__in=SubgroupMember.objects.filter(pupil=pupil).values("subgroup_id"))
    )


def diary_week(*, pupil: Pupil, week_start: dt.date) -> list[DiaryDay]:
    """The pupil's week: lessons with their times (the bell schedule) and rooms (the
    timetable), topics, homework, their marks and attendance.

    `pupil` must come from `diary_children` (the access check). Six queries, the
    homework files, bells and rooms included.
    """
    week_end = week_start + dt.timedelta(days=6)
    lessons = list(
        Lesson.objects.filter(
            assignment__in=TeachingAssignment.objects.filter(pupil_assignments_q(pupil)),
            date__gte=week_start,
            date__lte=week_end,
        )
        .select_related("assignment__subject")
        .only(
            "id",
            "date",
            "slot",
            "topic",
            "homework",
            "kind",
            "work_topic",
            "assignment__subject__title",
        )
        .order_by("date", "slot")
    )
    ids = [lesson.pk for lesson in lessons]
    marks: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
    if ids:
        latest: dict[int, int | None] = {}
        for mark_id, new_value in (
            MarkCorrection.objects.filter(mark__pupil=pupil, mark__lesson_id__in=ids)
            .order_by("corrected_at", "id")
            .values_list("mark_id", "new_value")
        ):
            latest[mark_id] = new_value
        for mark_id, lesson_id, value, kind in (
            Mark.objects.filter(pupil=pupil, lesson_id__in=ids)
            .order_by("id")
            .values_list("id", "lesson_id", "value", "work_kind__title")
        ):
            marks[lesson_id].append((latest[mark_id] if mark_id in latest else value, kind))
    attendance = (
        dict(
            Attendance.objects.filter(pupil=pupil, lesson_id__in=ids).values_list(
                "lesson_id", "code"
            )
        )
        if ids
        else {}
    )
    # Homework files next to the homework: one query for the week's lessons (the diary
    # shows lessons that teach this child, which is the files' read rule too).
    prefetch_related_objects(lessons, "homework_files")
    bells: dict[int, tuple[dt.time, dt.time]] = {}
    rooms: dict[tuple[int, int, int], str] = {}
    if lessons and pupil.class_group is not None:
        bells = bells_of(pupil.class_group.year_id)
        rooms = {
            (assignment_id, weekday, slot): room
            for assignment_id, weekday, slot, room in TimetableEntry.objects.filter(
                assignment_id__in={lesson.assignment_id for lesson in lessons}
            )
            .exclude(room="")
            .values_list("assignment_id", "weekday", "slot", "room")
        }

    def entry(lesson: Lesson) -> DiaryLesson:
        starts, ends = bells.get(lesson.slot, (None, None))
        return DiaryLesson(
            lesson,
            marks.get(lesson.pk, []),
            attendance.get(lesson.pk),
            starts_at=starts,
            ends_at=ends,
            room=rooms.get((lesson.assignment_id, lesson.date.isoweekday(), lesson.slot), ""),
        )

    days = []
    for offset in range(7):
        day = week_start + dt.timedelta(days=offset)
        day_lessons = [entry(lesson) for lesson in lessons if lesson.date == day]
        if day_lessons or offset < 5:
            days.append(DiaryDay(day, WEEKDAYS[offset], day_lessons))
    return days


# ---------------------------------------------------------------- the weekly timetable (SET-3)


def diary_timetable(*, pupil: Pupil, for_user: Any) -> list[TimetableDay]:
    """The pupil's weekly timetable by school day: lesson number, bell times, subject,
    teacher and room, only the subgroups the pupil belongs to. `pupil` must come from
    `diary_children`; the structure selector applies the learner's class scope too.
    Three queries."""
    group = pupil.class_group
    if group is None:
        return []
    entries = list(
        structure_selectors.timetable(for_user=for_user, class_group_id=group.pk)
        .filter(year_id=group.year_id)
        .filter(assignment__in=TeachingAssignment.objects.filter(pupil_assignments_q(pupil)))
        .select_related("teacher__user")
    )
    bells = bells_of(group.year_id)
    days = []
    for weekday in range(1, group.year.days_per_week + 1):
        lessons = [
            TimetableLesson(
                e.slot,
                *times(bells, e.slot),
                subject=e.assignment.subject.title,
                room=e.room,
                teacher=e.teacher.user.full_name,
            )
            for e in entries
            if e.weekday == weekday
        ]
        days.append(TimetableDay(WEEKDAYS[weekday - 1], lessons))
    return days


@dataclass(frozen=True)
class SubjectLine:
    subject: str
    marks: list[int]
    average: Decimal | None
    forecast: int | None
    needed_next: int | None
    needed_top: int | None  # how many «5» of the lightest weight lead to a «5»
    period_mark: str | None


def needed_for_top(
    marks: list[tuple[int, int]], *, weight: int, scale: tuple[int, ...]
) -> int | None:
    """The least number of top marks of `weight` after which the forecast is the top mark
    (the journal's grading rule, applied repeatedly); None when it already is."""
    top = max(scale)
    current = grading.forecast(grading.shown_average(marks), scale)
    if current == top:
        return None
    extra: list[tuple[int, int]] = []
    for n in range(1, 101):
        extra.append((top, weight))
        if grading.forecast(grading.shown_average([*marks, *extra]), scale) == top:
            return n
    return None


@dataclass
class DiaryProgress:
    period: ReportingPeriod | None
    periods: list[ReportingPeriod]
    subjects: list[SubjectLine]
    attendance: dict[str, int]


def diary_progress(*, pupil: Pupil, period_id: int | None, for_user: Any) -> DiaryProgress:
    """Marks by subject with average, forecast and what is needed (MRK-4), attendance counts,
    period and final marks (MRK-3, DIA-1, DIA-2)."""
    if pupil.class_group is None:
        return DiaryProgress(None, [], [], {})
    periods = periods_for_grade(pupil.class_group.year_id, pupil.class_group.grade)
    period = period_chosen(periods, period_id)
    if period is None:
        return DiaryProgress(None, periods, [], {})
    _shown, progress = reg_selectors.pupil_progress(
        pupil_id=pupil.pk, period_id=period.pk, for_user=for_user
    )
    rules = current_rules()
    min_weight = min((k.weight for k in rules.work_kinds), default=1)
    this_period = dict(
        PeriodMark.objects.filter(
            pupil=pupil, kind=PeriodMark.Kind.PERIOD, period=period
        ).values_list("assignment_id", "value")
    )
    subjects = [
        SubjectLine(
            subject=p.subject,
            marks=[v for v, _w in p.marks],
            average=p.average,
            forecast=p.forecast,
            needed_next=p.needed_for_next,
            needed_top=needed_for_top(p.marks, weight=min_weight, scale=rules.mark_scale),
            period_mark=this_period.get(p.assignment_id),
        )
        for p in progress
    ]
    counts = Counter(
        Attendance.objects.filter(
            pupil=pupil, lesson__date__gte=period.starts_on, lesson__date__lte=period.ends_on
        ).values_list("code", flat=True)
    )
    return DiaryProgress(period, periods, subjects, dict(counts))


# ---------------------------------------------------------------- the year's marks (DIA-2)


@dataclass(frozen=True)
class YearLine:
    subject: str
    periods: list[tuple[str, str]]  # (period title, mark) in the order of `DiaryYear.periods`
    year: str | None
    exam: str | None
    final: str | None


@dataclass(frozen=True)
class DiaryYear:
    year: AcademicYear
    periods: list[ReportingPeriod]
    lines: list[YearLine]
    has_exam: bool


def diary_year(*, pupil: Pupil, for_user: Any) -> DiaryYear | None:
    """The pupil's period, year, exam and final marks of the current school year by subject,
    shown as soon as the teacher saves them (DIA-2): the journal's `pupil_year_marks`
    (its access rule). None for a pupil who was on no class list here."""
    try:
        marks = reg_selectors.pupil_year_marks(pupil_id=pupil.pk, for_user=for_user)
    except Http404:
        return None
    lines = [
        YearLine(
            subject=s.subject,
            periods=[(p.title, s.periods.get(p.pk, "")) for p in marks.periods],
            year=s.year,
            exam=s.exam,
            final=s.final,
        )
        for s in marks.subjects
        if s.periods or s.year or s.exam or s.final
    ]
    return DiaryYear(marks.year, marks.periods, lines, any(x.exam for x in lines))
