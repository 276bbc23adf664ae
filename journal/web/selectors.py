"""Reads for the school's pages that no journal selector offers (issue #5).

Every read here starts from `journal.access.scope_for(user)` and filters by it the same way
the journal's selectors do (ROLE-1): a teacher reaches only their assignments and granted
substitute lessons, a class teacher their class, a parent only linked children with
consent in force, a pupil only themself, the director and deputies the whole school.
Business rules (entry windows, correction policy, grading) come from the journal's own
modules; nothing is re-decided here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts import roles
from catalog.selectors import current_rules
from journal.access import STRUCTURE_MANAGERS, scope_for
from journal.audit.services import access_log
from journal.register import grading
from journal.register import selectors as reg_selectors
from journal.register import services as reg_services
from journal.register.models import Attendance, Lesson, Mark, MarkCorrection, PeriodMark
from journal.roster.models import ClassMembership, Pupil
from journal.structure.models import (
    AcademicYear,
    BellSlot,
    ReportingPeriod,
    SubgroupMember,
    TeachingAssignment,
)

WEEKDAYS = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"]


def current_year() -> AcademicYear | None:
    return AcademicYear.objects.filter(is_current=True).first() or (
        AcademicYear.objects.order_by("-starts_on").first()
    )


def period_for_date(periods: list[ReportingPeriod], on: dt.date) -> ReportingPeriod | None:
    """The period containing the date; else the last one that started before it; else the first."""
    for period in periods:
        if period.starts_on <= on <= period.ends_on:
            return period
    started = [p for p in periods if p.starts_on <= on]
    if started:
        return started[-1]
    return periods[0] if periods else None


def periods_for_grade(year_id: int, grade: int) -> list[ReportingPeriod]:
    return list(
        ReportingPeriod.objects.filter(
            year_id=year_id, grade_from__lte=grade, grade_to__gte=grade
        ).order_by("starts_on")
    )


# ---------------------------------------------------------------- teacher: the day


@dataclass(frozen=True)
class DayLesson:
    lesson: Lesson
    starts_at: dt.time | None
    ends_at: dt.time | None
    is_substitution: bool


def teacher_day(*, for_user: Any, on_date: dt.date) -> list[DayLesson]:
    """The user's lessons on a date: their own assignments and lessons granted to them as a
    substitute (ROLE-3). Two queries whatever the number of lessons."""
    scope = scope_for(for_user)
    if not scope.is_staff or scope.is_pupil:
        return []
    own = Q(assignment_id__in=scope.assignment_ids)
    lessons = list(
        Lesson.objects.filter(own | Q(id__in=scope.substitute_lesson_ids), date=on_date)
        .select_related(
            "assignment__subject", "assignment__class_group", "assignment__subgroup", "plan_item"
        )
        .order_by("slot", "id")
    )
    year_ids = {lesson.assignment.year_id for lesson in lessons}
    bells = (
        {(b.year_id, b.number): b for b in BellSlot.objects.filter(year_id__in=year_ids)}
        if year_ids
        else {}
    )
    result = []
    for lesson in lessons:
        bell = bells.get((lesson.assignment.year_id, lesson.slot))
        result.append(
            DayLesson(
                lesson,
                bell.starts_at if bell else None,
                bell.ends_at if bell else None,
                lesson.pk in scope.substitute_lesson_ids
                and lesson.assignment_id not in scope.assignment_ids,
            )
        )
    return result


def teacher_assignments(*, for_user: Any) -> list[TeachingAssignment]:
    """The teacher's own assignments (classes/groups and subjects they teach)."""
    scope = scope_for(for_user)
    if not scope.assignment_ids or scope.is_pupil:
        return []
    return list(
        TeachingAssignment.objects.filter(id__in=scope.assignment_ids)
        .select_related("subject", "class_group", "subgroup")
        .order_by("class_group__grade", "class_group__letter", "subject__title")
    )


def readable_assignments(*, for_user: Any) -> list[TeachingAssignment]:
    """Journals the user may read: own, their class's, or the whole school (director, deputy)."""
    scope = scope_for(for_user)
    if not scope.is_staff:
        return []
    return list(
        TeachingAssignment.objects.filter(reg_selectors.readable_assignments_q(scope))
        .select_related("subject", "class_group", "subgroup", "teacher__user")
        .order_by("class_group__grade", "class_group__letter", "subject__title")
    )


# ---------------------------------------------------------------- teacher: the journal grid


@dataclass
class Column:
    lesson: Lesson
    editable: bool  # new marks / attendance may be entered now by this user
    marks_allowed: bool  # not a grade taught without marks
    window: str


@dataclass
class Cell:
    lesson_id: int
    date: dt.date
    marks: list[dict[str, Any]]
    attendance: str | None
    editable: bool


@dataclass
class Row:
    pupil: Pupil
    cells: list[Cell]
    average: Decimal | None
    forecast: int | None


@dataclass
class GridPage:
    assignment: TeachingAssignment
    period: ReportingPeriod
    periods: list[ReportingPeriod]
    columns: list[Column]
    rows: list[Row]
    work_kinds: list[tuple[str, str, int]]  # code, title, weight
    any_editable: bool
    may_correct: bool


def _history_text(history: list[dict[str, Any]]) -> str:
    parts = []
    for h in history:
        old = h["old"] if h["old"] is not None else "—"
        new = h["new"] if h["new"] is not None else "аннулирована"
        parts.append(f"{h['at']:%d.%m.%Y}: {old} → {new} ({h['by']}): {h['reason']}")
    return "; ".join(parts)


def mark_details(
    *, lesson_kwargs: dict[str, Any], correction_window_days: int, correction_allowed: bool
) -> tuple[dict[int, bool], dict[int, list[dict[str, Any]]]]:
    """Per mark: locked (its correction window is over) and its correction history.

    Two queries for any number of marks. The caller has already checked that the user may
    read these lessons.
    """
    now = timezone.now()
    limit = dt.timedelta(days=correction_window_days)
    locked = {
        mark_id: (not correction_allowed) or now - entered_at > limit
        for mark_id, entered_at in Mark.objects.filter(**lesson_kwargs).values_list(
            "id", "entered_at"
        )
    }
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    corrections = (
        MarkCorrection.objects.filter(**{f"mark__{k}": v for k, v in lesson_kwargs.items()})
        .select_related("corrected_by")
        .order_by("corrected_at", "id")
    )
    for c in corrections:
        history[c.mark_id].append(
            {
                "old": c.old_value,
                "new": c.new_value,
                "reason": c.reason,
                "by": c.corrected_by.full_name or c.corrected_by.username,
                "at": timezone.localtime(c.corrected_at),
            }
        )
    return locked, dict(history)


def grid_page(*, assignment_id: int, period_id: int | None, for_user: Any) -> GridPage:
    """The journal grid page: the journal's `journal_grid` plus what the page needs to show
    (which columns take entries now, locked marks, correction history, forecasts)."""
    assignment, scope = reg_selectors.assignment_for_reading(
        assignment_id=assignment_id, for_user=for_user
    )
    periods = periods_for_grade(assignment.year_id, assignment.class_group.grade)
    if period_id is None:
        period = period_for_date(periods, timezone.localdate())
        if period is None:
            raise Http404
    else:
        period = next((p for p in periods if p.pk == period_id), None)
        if period is None:
            raise Http404
    grid = reg_selectors.journal_grid(
        assignment_id=assignment.pk, period_id=period.pk, for_user=for_user
    )
    rules = current_rules()
    now = timezone.now()
    marks_allowed = assignment.class_group.grade not in rules.grades_without_marks
    columns = []
    for lesson in grid.lessons:
        lesson.assignment = assignment  # the lesson's own assignment: no query per column
        window = reg_services.entry_window(rules, lesson.date, now)
        editable = (
            not scope.is_pupil
            and reg_services.may_enter_lesson(scope, lesson)
            and window in ("on_time", "late")
        )
        columns.append(Column(lesson, editable, marks_allowed, window))
    locked, history = mark_details(
        lesson_kwargs={
            "lesson__assignment_id": assignment.pk,
            "lesson__date__gte": period.starts_on,
            "lesson__date__lte": period.ends_on,
        },
        correction_window_days=rules.correction.window_days,
        correction_allowed=rules.correction.allowed,
    )
    kinds = reg_services.work_kinds_ensure()
    titles = {k.pk: k.title for k in kinds.values()}
    rows = []
    empty = reg_selectors.GridCell()
    for pupil in grid.pupils:
        cells = []
        for column in columns:
            cell = grid.cells.get((pupil.pk, column.lesson.pk), empty)
            marks = [
                {
                    **m,
                    "locked": locked.get(m["id"], True),
                    "kind": titles.get(m["work_kind_id"], ""),
                    "history": _history_text(history.get(m["id"], [])),
                }
                for m in cell.marks
            ]
            cells.append(
                Cell(column.lesson.pk, column.lesson.date, marks, cell.attendance, column.editable)
            )
        average = grid.averages.get(pupil.pk)
        rows.append(Row(pupil, cells, average, grading.forecast(average, rules.mark_scale)))
    return GridPage(
        assignment=assignment,
        period=period,
        periods=periods,
        columns=columns,
        rows=rows,
        work_kinds=[(k.code, k.title, k.weight) for k in kinds.values()],
        any_editable=any(c.editable for c in columns),
        may_correct=bool(scope.roles.intersection(rules.correction.roles)),
    )


# ---------------------------------------------------------------- lesson page


@dataclass
class LessonPupil:
    pupil: Pupil
    marks: list[dict[str, Any]]
    attendance: str | None


@dataclass
class LessonPage:
    lesson: Lesson
    pupils: list[LessonPupil]
    editable: bool
    marks_allowed: bool
    window: str
    may_write: bool
    may_correct: bool
    work_kinds: list[tuple[str, str, int]]


def lesson_page(*, lesson_id: int, for_user: Any) -> LessonPage:
    """One lesson: topic, homework, КТП item, the pupils on its list with their marks
    (history, locks) and attendance. Readable by those who read the assignment's journal
    and by a substitute granted the lesson; a fixed number of queries."""
    lesson = reg_selectors.lesson_for_writing(lesson_id=lesson_id, for_user=for_user)
    lesson = Lesson.objects.select_related(
        "assignment__subject",
        "assignment__class_group",
        "assignment__subgroup",
        "assignment__teacher__user",
        "plan_item",
        "substitute__user",
    ).get(pk=lesson.pk)
    scope = scope_for(for_user)
    rules = current_rules()
    on_list = reg_services.lesson_pupils(lesson)
    pupils = list(
        Pupil.objects.filter(id__in=list(on_list))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )
    locked, history = mark_details(
        lesson_kwargs={"lesson_id": lesson.pk},
        correction_window_days=rules.correction.window_days,
        correction_allowed=rules.correction.allowed,
    )
    latest: dict[int, int | None] = {}
    for mark_id, items in history.items():
        latest[mark_id] = items[-1]["new"]
    kinds = reg_services.work_kinds_ensure()
    titles = {k.pk: k.title for k in kinds.values()}
    by_pupil: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for mark_id, pupil_id, value, work_kind_id in (
        Mark.objects.filter(lesson=lesson)
        .order_by("id")
        .values_list("id", "pupil_id", "value", "work_kind_id")
    ):
        by_pupil[pupil_id].append(
            {
                "id": mark_id,
                "value": latest[mark_id] if mark_id in latest else value,
                "original": value,
                "corrected": mark_id in latest,
                "locked": locked.get(mark_id, True),
                "kind": titles.get(work_kind_id, ""),
                "history": history.get(mark_id, []),
            }
        )
    attendance = dict(Attendance.objects.filter(lesson=lesson).values_list("pupil_id", "code"))
    window = reg_services.entry_window(rules, lesson.date, timezone.now())
    may_write = not scope.is_pupil and reg_services.may_enter_lesson(scope, lesson)
    access_log(
        user=for_user,
        action="read",
        what="web.lesson_page",
        pupil_ids=[p.pk for p in pupils],
        details={"lesson_id": lesson.pk},
    )
    return LessonPage(
        lesson=lesson,
        pupils=[LessonPupil(p, by_pupil.get(p.pk, []), attendance.get(p.pk)) for p in pupils],
        editable=may_write and window in ("on_time", "late"),
        marks_allowed=lesson.assignment.class_group.grade not in rules.grades_without_marks,
        window=window,
        may_write=may_write,
        may_correct=bool(scope.roles.intersection(rules.correction.roles)),
        work_kinds=[(k.code, k.title, k.weight) for k in kinds.values()],
    )


# ---------------------------------------------------------------- diary (pupil, parent)


def diary_children(*, for_user: Any) -> list[Pupil]:
    """Whose diary the user may open: a pupil themself, a parent's linked children with
    consent in force (SET-5). One query (plus the scope)."""
    scope = scope_for(for_user)
    ids = scope.personal_pupil_ids
    if not ids:
        return []
    return list(
        Pupil.objects.filter(id__in=ids)
        .select_related("user", "class_group")
        .order_by("user__first_name", "id")
    )


@dataclass
class DiaryLesson:
    lesson: Lesson
    marks: list[tuple[int | None, str]]  # value (None: annulled), work kind
    attendance: str | None


@dataclass
class DiaryDay:
    date: dt.date
    weekday: str
    lessons: list[DiaryLesson]


def _pupil_assignments_q(pupil: Pupil) -> Q:
    """Assignments that teach this pupil: the class's whole-class ones and their subgroups."""
    return Q(class_group_id=pupil.class_group_id) & (
        Q(subgroup__isnull=True)
        | Q(subgroup_id__in=SubgroupMember.objects.filter(pupil=pupil).values("subgroup_id"))
    )


def diary_week(*, pupil: Pupil, week_start: dt.date) -> list[DiaryDay]:
    """The pupil's week: lessons with topics, homework, their marks and attendance.

    `pupil` must come from `diary_children` (the access check). Three queries.
    """
    week_end = week_start + dt.timedelta(days=6)
    lessons = list(
        Lesson.objects.filter(
            assignment__in=TeachingAssignment.objects.filter(_pupil_assignments_q(pupil)),
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
    days = []
    for offset in range(7):
        day = week_start + dt.timedelta(days=offset)
        day_lessons = [
            DiaryLesson(lesson, marks.get(lesson.pk, []), attendance.get(lesson.pk))
            for lesson in lessons
            if lesson.date == day
        ]
        if day_lessons or offset < 5:
            days.append(DiaryDay(day, WEEKDAYS[offset], day_lessons))
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
    final_marks: list[tuple[str, str, str]]  # subject, kind title, value


def diary_progress(*, pupil: Pupil, period_id: int | None, for_user: Any) -> DiaryProgress:
    """Marks by subject with average, forecast and what is needed (MRK-4), attendance counts,
    period and final marks (MRK-3, DIA-1, DIA-2)."""
    if pupil.class_group is None:
        return DiaryProgress(None, [], [], {}, [])
    periods = periods_for_grade(pupil.class_group.year_id, pupil.class_group.grade)
    if period_id is None:
        period = period_for_date(periods, timezone.localdate())
    else:
        period = next((p for p in periods if p.pk == period_id), None)
        if period is None:
            raise Http404
    if period is None:
        return DiaryProgress(None, periods, [], {}, [])
    _pupil, progress = reg_selectors.pupil_progress(
        pupil_id=pupil.pk, period_id=period.pk, for_user=for_user
    )
    rules = current_rules()
    min_weight = min((k.weight for k in rules.work_kinds), default=1)
    period_marks = list(
        PeriodMark.objects.filter(pupil=pupil).select_related("assignment__subject")
    )
    this_period = {
        pm.assignment_id: pm.value
        for pm in period_marks
        if pm.kind == PeriodMark.Kind.PERIOD and pm.period_id == period.pk
    }
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
    kinds = dict(PeriodMark.Kind.choices)
    period_titles = {p.pk: p.title for p in periods}
    final_marks = [
        (
            pm.assignment.subject.title,
            period_titles.get(pm.period_id or 0, kinds[pm.kind])
            if pm.kind == PeriodMark.Kind.PERIOD
            else kinds[pm.kind],
            pm.value,
        )
        for pm in sorted(period_marks, key=lambda pm: (pm.assignment.subject.title, pm.pk))
    ]
    return DiaryProgress(period, periods, subjects, dict(counts), final_marks)


# ---------------------------------------------------------------- journal-keeping control (REP-2)


@dataclass
class ProblemLesson:
    lesson_id: int
    date: dt.date
    slot: int
    title: str  # class and subject
    problems: list[str]


@dataclass
class TeacherControl:
    teacher: str
    lessons: int = 0
    without_topic: int = 0
    without_homework: int = 0
    not_filled: int = 0
    pupils: int = 0
    pupils_no_marks: int = 0
    pupils_one_mark: int = 0
    problem_lessons: list[ProblemLesson] = field(default_factory=list)
    weak_assignments: list[tuple[int, str, int, int]] = field(default_factory=list)

    def percent(self, part: int) -> int:
        return round(100 * part / self.pupils) if self.pupils else 0

    @property
    def no_marks_pct(self) -> int:
        return self.percent(self.pupils_no_marks)

    @property
    def one_mark_pct(self) -> int:
        return self.percent(self.pupils_one_mark)

    @property
    def problems(self) -> int:
        return self.without_topic + self.without_homework + self.not_filled


def journal_control(*, for_user: Any, date_from: dt.date, date_to: dt.date) -> list[TeacherControl]:
    """REP-2: per teacher, lessons given in [date_from, date_to] without a topic, without
    homework, with nothing recorded (neither marks nor absences), and the share of pupils
    with no mark / one mark in the range. Director and deputies only; six queries.

    Lessons of grades taught without marks are not counted as missing homework (LES-3).
    """
    scope = scope_for(for_user)
    if not scope.whole_school:
        raise Http404
    rules = current_rules()
    no_marks_grades = set(rules.grades_without_marks)
    lessons = (
        Lesson.objects.filter(date__gte=date_from, date__lte=date_to)
        .annotate(
            has_marks=Exists(Mark.objects.filter(lesson_id=OuterRef("pk"))),
            has_absences=Exists(Attendance.objects.filter(lesson_id=OuterRef("pk"))),
        )
        .values_list(
            "id",
            "date",
            "slot",
            "topic",
            "homework",
            "has_marks",
            "has_absences",
            "assignment_id",
        )
        .order_by("date", "slot")
    )
    assignments = {
        a.pk: a
        for a in TeachingAssignment.objects.select_related(
            "teacher__user", "subject", "class_group", "subgroup"
        )
    }
    rows: dict[int, TeacherControl] = {}

    def row_for(assignment: TeachingAssignment) -> TeacherControl:
        teacher = assignment.teacher
        if teacher.pk not in rows:
            rows[teacher.pk] = TeacherControl(teacher.user.full_name or teacher.user.username)
        return rows[teacher.pk]

    given_by_assignment: set[int] = set()
    for lid, day, slot, topic, homework, has_marks, has_absences, aid in lessons:
        assignment = assignments[aid]
        given_by_assignment.add(aid)
        row = row_for(assignment)
        row.lessons += 1
        problems = []
        if not topic:
            row.without_topic += 1
            problems.append("нет темы")
        if not homework and assignment.class_group.grade not in no_marks_grades:
            row.without_homework += 1
            problems.append("нет домашнего задания")
        if not has_marks and not has_absences:
            row.not_filled += 1
            problems.append("нет отметок и посещаемости")
        if problems:
            row.problem_lessons.append(
                ProblemLesson(lid, day, slot, _assignment_title(assignment), problems)
            )
    # Pupils without marks / with one mark per assignment given in the range.
    members: dict[int, set[int]] = defaultdict(set)
    # The lists as of the range's last day: a pupil who left before it is not "without marks".
    for class_id, pupil_id in ClassMembership.objects.on(date_to).values_list(
        "class_group_id", "pupil_id"
    ):
        members[class_id].add(pupil_id)
    subgroup_members: dict[int, set[int]] = defaultdict(set)
    for subgroup_id, pupil_id in SubgroupMember.objects.values_list("subgroup_id", "pupil_id"):
        subgroup_members[subgroup_id].add(pupil_id)
    counts = {
        (aid, pid): n
        for aid, pid, n in Mark.objects.filter(
            lesson__date__gte=date_from, lesson__date__lte=date_to
        )
        .values_list("lesson__assignment_id", "pupil_id")
        .annotate(n=Count("id"))
        .values_list("lesson__assignment_id", "pupil_id", "n")
    }
    for aid in sorted(given_by_assignment):
        assignment = assignments[aid]
        if assignment.class_group.grade in no_marks_grades:
            continue
        pupils = members.get(assignment.class_group_id, set())
        if assignment.subgroup_id:
            pupils = pupils & subgroup_members.get(assignment.subgroup_id, set())
        row = row_for(assignment)
        none = sum(1 for p in pupils if counts.get((aid, p), 0) == 0)
        one = sum(1 for p in pupils if counts.get((aid, p), 0) == 1)
        row.pupils += len(pupils)
        row.pupils_no_marks += none
        row.pupils_one_mark += one
        if none or one:
            row.weak_assignments.append((aid, _assignment_title(assignment), none, one))
    return sorted(rows.values(), key=lambda r: (-r.problems, r.teacher))


def _assignment_title(assignment: TeachingAssignment) -> str:
    group = (
        f" ({assignment.subgroup.title})" if assignment.subgroup_id and assignment.subgroup else ""
    )
    return f"{assignment.class_group.title}{group}, {assignment.subject.title}"


# ---------------------------------------------------------------- administration


def plan_import_assignments(*, for_user: Any) -> list[TeachingAssignment]:
    """Assignments whose КТП the user may load: all for the administration, own for a teacher."""
    scope = scope_for(for_user)
    q: Q
    if scope.roles & STRUCTURE_MANAGERS:
        q = Q()
    elif scope.assignment_ids and not scope.is_pupil:
        q = Q(id__in=scope.assignment_ids)
    else:
        return []
    year = current_year()
    qs = TeachingAssignment.objects.filter(q)
    if year is not None:
        qs = qs.filter(year=year)
    return list(
        qs.select_related("subject", "class_group", "subgroup", "teacher__user").order_by(
            "class_group__grade", "class_group__letter", "subject__title"
        )
    )


def led_classes(*, for_user: Any) -> list[Any]:
    """Classes whose day the user may open: their own as class teacher; all for the
    director and deputies."""
    from journal.structure.models import ClassGroup

    scope = scope_for(for_user)
    if scope.whole_school:
        year = current_year()
        qs = ClassGroup.objects.filter(year=year) if year else ClassGroup.objects.none()
    elif scope.class_ids and not scope.is_pupil:
        qs = ClassGroup.objects.filter(id__in=scope.class_ids)
    else:
        return []
    return list(qs.order_by("grade", "letter"))


def start_url_name(user: Any) -> str | None:
    """Where a signed-in user starts: the page of their main role."""
    scope = scope_for(user)
    if scope.has(roles.DIRECTOR, roles.DEPUTY):
        return "web:control"
    if scope.has(roles.TEACHER):
        return "web:today"
    if scope.has(roles.JOURNAL_ADMIN):
        return "web:plan_import"
    if scope.has(roles.PUPIL, roles.PARENT):
        return "diary:index"
    return None
