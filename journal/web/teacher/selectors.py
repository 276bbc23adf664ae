"""Reads of the teacher's pages: the day, the journals, the grid and one lesson (issue #5).

Every read starts from `journal.access.scope_for(user)` and filters by it the way the
journal's selectors do (ROLE-1): a teacher reaches their assignments and granted substitute
lessons, a class teacher every subject of their class, the director and deputies the whole
school. Entry windows, correction policy and grading come from the journal's own modules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from catalog.selectors import current_rules
from journal.access import deny, scope_for
from journal.audit.services import access_log
from journal.register import grading
from journal.register import selectors as reg_selectors
from journal.register import services as reg_services
from journal.register.models import Attendance, Lesson, Mark, MarkCorrection
from journal.roster.models import Pupil
from journal.structure.models import BellSlot, ReportingPeriod, TeachingAssignment
from journal.web.selectors import period_chosen, periods_for_grade

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
        TeachingAssignment.objects.readable_by(scope)
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
    kinds: list[str] = field(default_factory=list)  # work kinds whose marks it takes now


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


def history_text(history: list[dict[str, Any]]) -> str:
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
    period = period_chosen(periods, period_id)
    if period is None:
        raise Http404
    grid = reg_selectors.journal_grid(
        assignment_id=assignment.pk, period_id=period.pk, for_user=for_user
    )
    rules = current_rules()
    now = timezone.now()
    marks_allowed = assignment.class_group.grade not in rules.grades_without_marks
    year_open = assignment.year_id not in scope.closed_year_ids
    kinds = reg_services.work_kinds_ensure()
    ends = reg_services.lessons_ends(
        assignment.class_group_id, assignment.year_id, period.starts_on, period.ends_on
    )
    columns = []
    for lesson in grid.lessons:
        lesson.assignment = assignment  # the lesson's own assignment: no query per column
        end = ends.get(lesson.date, reg_services.day_end(lesson.date))
        window = reg_services.lesson_entry_window(rules, lesson, now, lessons_end_at=end)
        writer = year_open and not scope.is_pupil and reg_services.may_enter_lesson(scope, lesson)
        open_kinds = (
            reg_services.open_work_kinds(rules, lesson, kinds, now, lessons_end_at=end)
            if writer and marks_allowed
            else []
        )
        editable = writer and (window in reg_services.OPEN_WINDOWS or bool(open_kinds))
        columns.append(Column(lesson, editable, marks_allowed, window, open_kinds))
    locked, history = mark_details(
        lesson_kwargs={
            "lesson__assignment_id": assignment.pk,
            "lesson__date__gte": period.starts_on,
            "lesson__date__lte": period.ends_on,
        },
        correction_window_days=rules.correction.window_days,
        correction_allowed=rules.correction.allowed,
    )
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
                    "history": history_text(history.get(m["id"], [])),
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
    year_closed: bool = False  # the year is closed: its records are read-only (YEAR-1)


def lesson_page(*, lesson_id: int, for_user: Any, to_write: bool = False) -> LessonPage:
    """One lesson: topic, homework, КТП item, the pupils on its list with their marks
    (history, locks) and attendance. Readable by those who read the assignment's journal
    and by a substitute granted the lesson (else 404); a fixed number of queries.

    `to_write`: the page is loaded to change the lesson (its topic, homework, files), which
    only its teacher or a granted substitute may (else 403, nothing is read further)."""
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
    may_write = not scope.is_pupil and reg_services.may_enter_lesson(scope, lesson)
    if to_write and not may_write:
        raise deny("Изменять урок может только учитель, ведущий урок, или замещающий.")
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
    now = timezone.now()
    window = reg_services.lesson_entry_window(rules, lesson, now)
    year_closed = lesson.assignment.year_id in scope.closed_year_ids
    marks_allowed = lesson.assignment.class_group.grade not in rules.grades_without_marks
    enters = may_write and not year_closed and marks_allowed
    open_kinds = reg_services.open_work_kinds(rules, lesson, kinds, now) if enters else []
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
        editable=(
            may_write
            and not year_closed
            and (window in reg_services.OPEN_WINDOWS or bool(open_kinds))
        ),
        marks_allowed=marks_allowed,
        window=window,
        may_write=may_write and not year_closed,
        year_closed=year_closed,
        may_correct=bool(scope.roles.intersection(rules.correction.roles)),
        work_kinds=[(k.code, k.title, k.weight) for k in kinds.values() if k.code in open_kinds],
    )


def lesson_averages(*, lesson: Lesson, period_id: int | None, for_user: Any) -> dict[str, Any]:
    """After the grid's keyboard entry: each pupil's average (shown with a comma) and forecast
    in the period the grid shows; nothing when no period is given or it is not readable."""
    if not period_id:
        return {}
    try:
        result = reg_selectors.journal_grid(
            assignment_id=lesson.assignment_id, period_id=period_id, for_user=for_user
        )
    except Http404:
        return {}
    scale = current_rules().mark_scale
    return {
        str(pid): {
            "average": f"{avg:.2f}".replace(".", ",") if avg is not None else "",
            "forecast": grading.forecast(avg, scale) or "",
        }
        for pid, avg in result.averages.items()
    }
