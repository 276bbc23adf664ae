"""Reads of the journal, filtered once by the acting user (ROLE-1)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from catalog.selectors import current_rules
from journal.access import Scope, scope_for
from journal.audit.services import access_log
from journal.planning.models import ThematicPlanItem
from journal.register import grading
from journal.register.models import (
    Attendance,
    HomeworkAttachment,
    Lesson,
    Mark,
    MarkCorrection,
    PeriodMark,
    PeriodMarkValue,
    WorkKind,
)
from journal.register.services import (
    MarkDue,
    effective_value,
    final_mark_proposals,
    final_mark_rule,
    grade_last_period_end,
    period_mark_due,
    period_mark_state,
    work_kinds_ensure,
    year_deadlines,
)
from journal.roster.models import ClassMembership, Pupil
from journal.roster.selectors import visible_pupils_q
from journal.structure.models import (
    AcademicYear,
    ClassGroup,
    ReportingPeriod,
    StaffMember,
    SubgroupMember,
    TeachingAssignment,
)
from journal.structure.selectors import (
    assignment_for_reading,
    exists_here_or_404,
    journal_years_or_404,
)


def lesson_for_writing(*, lesson_id: int, for_user: Any) -> Lesson:
    """A lesson the user may see at all (else 404); the service checks the right to write."""
    scope = scope_for(for_user)
    lesson = (
        Lesson.objects.filter(
            Q(assignment__in=TeachingAssignment.objects.readable_by(scope))
            | Q(id__in=scope.substitute_lesson_ids),
            id=lesson_id,
        )
        .select_related("assignment__class_group", "assignment__subject")
        .first()
    )
    if lesson is None:
        raise Http404
    return lesson


def lesson_list(
    *,
    assignment_id: int,
    for_user: Any,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    period_id: int | None = None,
) -> QuerySet[Lesson]:
    """Lessons of an assignment the user may read; by date range and/or reporting period
    (a period of another year or parallel is 404)."""
    assignment, _ = assignment_for_reading(assignment_id=assignment_id, for_user=for_user)
    qs = Lesson.objects.filter(assignment=assignment).order_by("date", "slot")
    if period_id is not None:
        period = _period_for(assignment, period_id)
        qs = qs.filter(date__gte=period.starts_on, date__lte=period.ends_on)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


def work_kind_list(*, for_user: Any) -> list[WorkKind]:
    """The school's kinds of work with weights (MRK-1), seeded from the template on first
    use; staff only (pupils and parents see the weight next to each mark instead)."""
    if not scope_for(for_user).is_staff:
        return []
    return sorted(work_kinds_ensure().values(), key=lambda k: (-k.weight, k.title))


@dataclass
class GridCell:
    marks: list[dict[str, Any]] = field(default_factory=list)
    attendance: str | None = None


@dataclass
class Grid:
    assignment: TeachingAssignment
    period: ReportingPeriod
    pupils: list[Pupil]
    lessons: list[Lesson]
    cells: dict[tuple[int, int], GridCell]
    averages: dict[int, Decimal | None]


def _period_for(assignment: TeachingAssignment, period_id: int) -> ReportingPeriod:
    grade = assignment.class_group.grade
    period = ReportingPeriod.objects.filter(
        id=period_id, year_id=assignment.year_id, grade_from__lte=grade, grade_to__gte=grade
    ).first()
    if period is None:
        raise Http404
    return period


def journal_grid(*, assignment_id: int, period_id: int, for_user: Any) -> Grid:
    """Class × subject × period: pupils × lessons with marks and attendance.

    A fixed number of queries whatever the size: scope, assignment, period, pupils, lessons,
    marks with their corrections, attendance, and the audit insert.
    """
    assignment, _scope = assignment_for_reading(assignment_id=assignment_id, for_user=for_user)
    period = _period_for(assignment, period_id)
    members = ClassMembership.objects.overlapping(period.starts_on, period.ends_on).filter(
        class_group_id=assignment.class_group_id
    )
    if assignment.subgroup_id:
        members = members.filter(
            pupil_id__in=SubgroupMember.objects.filter(subgroup_id=assignment.subgroup_id).values(
                "pupil_id"
            )
        )
    pupils = list(
        Pupil.objects.filter(id__in=members.values("pupil_id"))
        .select_related("user")
        .only("id", "user__last_name", "user__first_name", "user__patronymic")
        .order_by("user__last_name", "user__first_name", "id")
    )
    lessons = list(
        Lesson.objects.filter(
            assignment=assignment, date__gte=period.starts_on, date__lte=period.ends_on
        )
        .only("id", "date", "slot", "topic")
        .order_by("date", "slot")
    )
    lesson_filter = Q(
        lesson__assignment=assignment,
        lesson__date__gte=period.starts_on,
        lesson__date__lte=period.ends_on,
    )
    # Plain tuples, not model instances: the grid is the hottest read of the journal.
    latest: dict[int, int | None] = {}
    for mark_id, new_value in (
        MarkCorrection.objects.filter(
            mark__lesson__assignment=assignment,
            mark__lesson__date__gte=period.starts_on,
            mark__lesson__date__lte=period.ends_on,
        )
        .order_by("corrected_at", "id")
        .values_list("mark_id", "new_value")
    ):
        latest[mark_id] = new_value
    cells: dict[tuple[int, int], GridCell] = defaultdict(GridCell)
    per_pupil: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for mark_id, lesson_id, pupil_id, original, weight, work_kind_id in (
        Mark.objects.filter(lesson_filter)
        .order_by("id")
        .values_list("id", "lesson_id", "pupil_id", "value", "weight", "work_kind_id")
    ):
        corrected = mark_id in latest
        value = latest[mark_id] if corrected else original
        cells[(pupil_id, lesson_id)].marks.append(
            {
                "id": mark_id,
                "value": value,
                "original": original,
                "corrected": corrected,
                "weight": weight,
                "work_kind_id": work_kind_id,
            }
        )
        if value is not None:
            per_pupil[pupil_id].append((value, weight))
    for lesson_id, pupil_id, code in Attendance.objects.filter(lesson_filter).values_list(
        "lesson_id", "pupil_id", "code"
    ):
        cells[(pupil_id, lesson_id)].attendance = code
    averages = {p.pk: grading.shown_average(per_pupil.get(p.pk, [])) for p in pupils}
    access_log(
        user=for_user,
        action="read",
        what="register.journal_grid",
        pupil_ids=[p.pk for p in pupils],
        details={"assignment_id": assignment.pk, "period_id": period.pk},
    )
    return Grid(assignment, period, pupils, lessons, dict(cells), averages)


@dataclass(frozen=True)
class SubjectProgress:
    assignment_id: int
    subject: str
    marks: list[tuple[int, int]]
    average: Decimal | None
    forecast: int | None
    needed_for_next: int | None


def pupil_progress(
    *, pupil_id: int, period_id: int, for_user: Any
) -> tuple[Pupil, list[SubjectProgress]]:
    """Weighted average, forecast and marks needed per subject (MRK-4), for the pupil, their
    parents (with consent), and staff who may see the pupil."""
    scope = scope_for(for_user)
    pupil = (
        Pupil.objects.filter(visible_pupils_q(scope), id=pupil_id)
        .select_related("user", "class_group")
        .first()
    )
    if pupil is None or pupil.class_group is None:
        raise Http404
    grade = pupil.class_group.grade
    period = ReportingPeriod.objects.filter(
        id=period_id, year_id=pupil.class_group.year_id, grade_from__lte=grade, grade_to__gte=grade
    ).first()
    if period is None:
        raise Http404
    rules = current_rules()
    min_weight = min((k.weight for k in rules.work_kinds), default=1)
    marks = (
        Mark.objects.filter(
            pupil=pupil, lesson__date__gte=period.starts_on, lesson__date__lte=period.ends_on
        )
        .select_related("lesson__assignment__subject")
        .prefetch_related(
            Prefetch("corrections", queryset=MarkCorrection.objects.order_by("corrected_at", "id"))
        )
    )
    grouped: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    for mark in marks:
        value = effective_value(mark, list(mark.corrections.all()))
        assignment = mark.lesson.assignment
        entry = grouped.setdefault(assignment.pk, (assignment.subject.title, []))
        if value is not None:
            entry[1].append((value, mark.weight))
    result = []
    for assignment_id, (subject, values) in sorted(grouped.items(), key=lambda kv: kv[1][0]):
        avg = grading.shown_average(values)
        result.append(
            SubjectProgress(
                assignment_id=assignment_id,
                subject=subject,
                marks=values,
                average=avg,
                forecast=grading.forecast(avg, rules.mark_scale),
                needed_for_next=grading.marks_needed_for_next(
                    values, weight=min_weight, scale=rules.mark_scale
                ),
            )
        )
    access_log(user=for_user, action="read", what="register.pupil_progress", pupil_ids=[pupil.pk])
    return pupil, result


@dataclass(frozen=True)
class AccumulationRow:
    pupil_id: int
    pupil_name: str
    marks: int
    required: int

    @property
    def enough(self) -> bool:
        return self.marks >= self.required


def accumulation_report(
    *, assignment_id: int, period_id: int, for_user: Any
) -> list[AccumulationRow]:
    """Накопляемость (MRK-6): at least `min_marks_per_weekly_hour` × weekly hours per pupil."""
    grid = journal_grid(assignment_id=assignment_id, period_id=period_id, for_user=for_user)
    rules = current_rules()
    required = math.ceil(rules.min_marks_per_weekly_hour * float(grid.assignment.weekly_hours))
    counts: dict[int, int] = defaultdict(int)
    for (pupil_id, _lesson_id), cell in grid.cells.items():
        counts[pupil_id] += sum(1 for m in cell.marks if m["value"] is not None)
    return [AccumulationRow(p.pk, p.user.full_name, counts[p.pk], required) for p in grid.pupils]


@dataclass(frozen=True)
class DailyRow:
    pupil_id: int
    pupil_name: str
    absences: list[dict[str, Any]]
    systematic: bool


def attendance_daily(*, class_group_id: int, on_date: dt.date, for_user: Any) -> list[DailyRow]:
    """The class's day (ATT-2): who missed which lessons, with the systematic-absence flag
    (the template's number of school days in a row with an unexcused absence)."""
    scope = scope_for(for_user)
    if not (scope.whole_school or class_group_id in scope.class_ids):
        raise Http404
    if not ClassGroup.objects.filter(pk=class_group_id).exists():
        raise Http404  # a class of another school, or none: 404, not an empty day (TEN-3)
    threshold = current_rules().systematic_absence_threshold
    pupils = list(
        Pupil.objects.filter(
            id__in=ClassMembership.objects.on(on_date)
            .filter(class_group_id=class_group_id)
            .values("pupil_id")
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )
    today_rows = Attendance.objects.filter(
        lesson__assignment__class_group_id=class_group_id, lesson__date=on_date
    ).select_related("lesson__assignment__subject")
    by_pupil: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for att in today_rows:
        by_pupil[att.pupil_id].append(
            {
                "id": att.pk,
                "lesson_id": att.lesson_id,
                "slot": att.lesson.slot,
                "subject": att.lesson.assignment.subject.title,
                "code": att.code,
            }
        )
    # School days of the class up to the date, most recent first, and unexcused days per pupil.
    days = list(
        Lesson.objects.filter(assignment__class_group_id=class_group_id, date__lte=on_date)
        .values_list("date", flat=True)
        .distinct()
        .order_by("-date")[: max(threshold, 1) * 3]
    )
    unexcused: dict[int, set[dt.date]] = defaultdict(set)
    if days:
        for pid, day in Attendance.objects.filter(
            lesson__assignment__class_group_id=class_group_id,
            lesson__date__gte=days[-1],
            lesson__date__lte=on_date,
            code=Attendance.Code.UNEXCUSED,
        ).values_list("pupil_id", "lesson__date"):
            unexcused[pid].add(day)

    def systematic(pid: int) -> bool:
        run = 0
        for day in days:
            if day in unexcused[pid]:
                run += 1
                if run >= threshold:
                    return True
            else:
                run = 0
        return False

    rows = [
        DailyRow(p.pk, p.user.full_name, by_pupil.get(p.pk, []), systematic(p.pk)) for p in pupils
    ]
    access_log(
        user=for_user,
        action="read",
        what="register.attendance_daily",
        pupil_ids=[p.pk for p in pupils],
        details={"class_group_id": class_group_id, "on": on_date.isoformat()},
    )
    return rows


def attendance_for_reason(*, attendance_id: int, for_user: Any) -> Attendance:
    scope = scope_for(for_user)
    if not scope.is_staff:
        raise Http404
    q = Q() if scope.whole_school else Q(pupil__class_group_id__in=scope.class_ids)
    att = Attendance.objects.filter(q, id=attendance_id).select_related("pupil").first()
    if att is None:
        raise Http404
    return att


def mark_for_correction(*, mark_id: int, for_user: Any) -> Mark:
    scope = scope_for(for_user)
    if not scope.is_staff:
        raise Http404
    q = (
        Q()
        if scope.whole_school
        else Q(lesson__assignment__in=TeachingAssignment.objects.readable_by(scope))
    )
    mark = Mark.objects.filter(q, id=mark_id).first()
    if mark is None:
        raise Http404
    return mark


# ---------------------------------------------------------------- homework files (LES-1)


def readable_lessons_q(scope: Scope) -> Q:
    """Lessons whose topic and homework the scope may read: staff who read the assignment's
    journal and a substitute granted the lesson (as `lesson_for_writing`); a pupil and a
    parent (consent in force) the lessons that teach the pupil — the class's whole-class
    assignments and the pupil's subgroups (the diary's rule)."""
    q = Q(id__in=scope.substitute_lesson_ids)
    if scope.is_staff:
        q |= Q(assignment__in=TeachingAssignment.objects.readable_by(scope))
    pupil_ids = scope.personal_pupil_ids
    if pupil_ids:
        q |= Q(
            assignment__in=TeachingAssignment.objects.filter(
                Q(
                    class_group_id__in=Pupil.objects.filter(id__in=pupil_ids).values(
                        "class_group_id"
                    )
                )
                & (
                    Q(subgroup__isnull=True)
                    | Q(
                        subgroup_id__in=SubgroupMember.objects.filter(
                            pupil_id__in=pupil_ids
                        ).values("subgroup_id")
                    )
                )
            )
        )
    return q


def homework_attachment_list(*, lesson_id: int, for_user: Any) -> list[HomeworkAttachment]:
    """The files of a lesson's homework, for whoever may read the lesson (else 404)."""
    scope = scope_for(for_user)
    if not Lesson.objects.filter(readable_lessons_q(scope), id=lesson_id).exists():
        raise Http404
    return list(
        HomeworkAttachment.objects.filter(lesson_id=lesson_id).order_by("uploaded_at", "id")
    )


def homework_attachment_for_reading(
    *, lesson_id: int, attachment_id: int, for_user: Any
) -> HomeworkAttachment:
    """One homework file, if the user may read its lesson; 404 otherwise (another class's
    parent, another school's ids, a file of another lesson). One query after the scope.

    Not written to the access log: a homework file is the teacher's material, not a pupil's
    data (ROLE-4 logs reads of pupils' data; the diary's homework text is not logged either).
    """
    scope = scope_for(for_user)
    attachment = (
        HomeworkAttachment.objects.filter(
            lesson__in=Lesson.objects.filter(readable_lessons_q(scope)),
            lesson_id=lesson_id,
            id=attachment_id,
        )
        .select_related("lesson")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def homework_attachment_for_removal(
    *, lesson_id: int, attachment_id: int, for_user: Any
) -> HomeworkAttachment:
    """A file of a lesson the user may see as staff (else 404); the service checks the
    right to write the lesson."""
    lesson = lesson_for_writing(lesson_id=lesson_id, for_user=for_user)
    attachment = HomeworkAttachment.objects.filter(lesson=lesson, id=attachment_id).first()
    if attachment is None:
        raise Http404
    attachment.lesson = lesson
    return attachment


def homework_files_by_lesson(lesson_ids: list[int]) -> dict[int, list[HomeworkAttachment]]:
    """Files of lessons the caller has already checked the user may read. One query."""
    result: dict[int, list[HomeworkAttachment]] = defaultdict(list)
    if lesson_ids:
        for item in HomeworkAttachment.objects.filter(lesson_id__in=lesson_ids).order_by(
            "uploaded_at", "id"
        ):
            result[item.lesson_id].append(item)
    return dict(result)


# --- programme coverage: planned vs given lessons and topics (PLAN-3) ---------------------


@dataclass(frozen=True)
class Coverage:
    planned_hours: int
    planned_to_date: int
    given: int
    given_with_topic: int
    topics_missing: list[str]

    @property
    def lag(self) -> int:
        return self.planned_to_date - self.given


def programme_coverage(
    *, assignment_id: int, for_user: Any, on_date: dt.date | None = None
) -> Coverage:
    assignment, _ = assignment_for_reading(assignment_id=assignment_id, for_user=for_user)
    on_date = on_date or timezone.localdate()
    items = list(ThematicPlanItem.objects.filter(plan__assignment=assignment))
    lessons = list(
        Lesson.objects.filter(assignment=assignment, date__lte=on_date).values_list(
            "topic", "plan_item_id"
        )
    )
    covered = {pid for _t, pid in lessons if pid}
    return Coverage(
        planned_hours=sum(i.hours for i in items),
        planned_to_date=sum(i.hours for i in items if i.planned_on and i.planned_on <= on_date),
        given=len(lessons),
        given_with_topic=sum(1 for t, _p in lessons if t),
        topics_missing=[
            i.topic
            for i in items
            if i.planned_on and i.planned_on <= on_date and i.pk not in covered
        ],
    )


# ---------------------------------------------------------------- period and year marks (MRK-3)


@dataclass(frozen=True)
class SheetRow:
    pupil_id: int
    name: str
    marks: list[int]  # effective values of the period's lesson marks, in order
    average: Decimal | None
    suggested: int | None  # the forecast of the grading rule (MRK-4)
    value: str | None  # the period mark given, if any


@dataclass(frozen=True)
class PeriodSheet:
    """A teacher's class × subject × period sheet of period marks (MRK-3)."""

    assignment: TeachingAssignment
    period: ReportingPeriod
    rows: list[SheetRow]
    opens_on: dt.date
    due_on: dt.date
    due_source: str
    state: str  # early | open | locked
    may_write: bool
    allowed_values: list[str]


def _allowed_period_values() -> list[str]:
    return [str(v) for v in current_rules().mark_scale] + list(PeriodMarkValue.SPECIAL)


def period_mark_sheet(*, assignment_id: int, period_id: int, for_user: Any) -> PeriodSheet:
    """Pupils of the class (subgroup) over the period with their marks, the weighted
    average, the suggested mark and the period mark given; the order's deadline and
    whether it is open (MRK-3, MRK-4). The journal grid's queries plus two."""
    grid = journal_grid(assignment_id=assignment_id, period_id=period_id, for_user=for_user)
    scope = scope_for(for_user)
    scale = current_rules().mark_scale
    given = dict(
        PeriodMark.objects.filter(
            assignment=grid.assignment, kind=PeriodMark.Kind.PERIOD, period=grid.period
        ).values_list("pupil_id", "value")
    )
    marks: dict[int, list[int]] = defaultdict(list)
    for lesson in grid.lessons:
        for pupil in grid.pupils:
            cell = grid.cells.get((pupil.pk, lesson.pk))
            if cell:
                marks[pupil.pk].extend(m["value"] for m in cell.marks if m["value"] is not None)
    rows = [
        SheetRow(
            pupil_id=p.pk,
            name=p.user.full_name,
            marks=marks.get(p.pk, []),
            average=grid.averages.get(p.pk),
            suggested=grading.forecast(grid.averages.get(p.pk), scale),
            value=given.get(p.pk),
        )
        for p in grid.pupils
    ]
    due = period_mark_due(PeriodMark.Kind.PERIOD, grid.assignment, grid.period)
    return PeriodSheet(
        assignment=grid.assignment,
        period=grid.period,
        rows=rows,
        opens_on=due.opens_on,
        due_on=due.due_on,
        due_source=due.source,
        state=period_mark_state(due, timezone.localdate()),
        may_write=grid.assignment.pk in scope.assignment_ids and not scope.is_pupil,
        allowed_values=_allowed_period_values(),
    )


@dataclass(frozen=True)
class YearRow:
    pupil_id: int
    name: str
    periods: dict[int, str]  # period id → period mark
    suggested_year: str | None  # mean of the numeric period marks, half up
    year: str | None
    exam: str | None
    final: str | None
    proposed_final: str | None  # what the adopted rule gives (to confirm)


@dataclass(frozen=True)
class YearSheet:
    assignment: TeachingAssignment
    periods: list[ReportingPeriod]
    rows: list[YearRow]
    due: dict[str, MarkDue]  # year / exam / final
    state: dict[str, str]
    may_write: bool
    final_rule: str
    allowed_values: list[str]


def suggested_year_mark(period_values: list[str]) -> str | None:
    """The mean of the period marks rounded half up (4, 4, 5, 5 → 5; 3, 4, 4, 3 → 4); none
    when a period has no mark yet or a special value (н/а, зач, осв: the teacher decides)."""
    numeric = [int(v) for v in period_values if v.isdigit()]
    if not period_values or len(numeric) != len(period_values):
        return None
    n = len(numeric)
    return str((2 * sum(numeric) + n) // (2 * n))


def _assignment_pupils(assignment: TeachingAssignment, start: dt.date, end: dt.date) -> list[Pupil]:
    members = ClassMembership.objects.overlapping(start, end).filter(
        class_group_id=assignment.class_group_id
    )
    if assignment.subgroup_id:
        members = members.filter(
            pupil_id__in=SubgroupMember.objects.filter(subgroup_id=assignment.subgroup_id).values(
                "pupil_id"
            )
        )
    return list(
        Pupil.objects.filter(id__in=members.values("pupil_id"))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )


def year_mark_sheet(*, assignment_id: int, for_user: Any) -> YearSheet:
    """The class × subject year sheet: period marks of every period, the suggested year
    mark, year, exam and final marks with the final the adopted rule proposes (MRK-3)."""
    assignment, scope = assignment_for_reading(assignment_id=assignment_id, for_user=for_user)
    year = assignment.year
    grade = assignment.class_group.grade
    periods = list(
        ReportingPeriod.objects.filter(year=year, grade_from__lte=grade, grade_to__gte=grade)
    )
    pupils = _assignment_pupils(assignment, year.starts_on, year.ends_on)
    by_period: dict[int, dict[int, str]] = defaultdict(dict)
    for pid, period_id, value in PeriodMark.objects.filter(
        assignment=assignment, kind=PeriodMark.Kind.PERIOD
    ).values_list("pupil_id", "period_id", "value"):
        by_period[pid][period_id] = value
    proposals = final_mark_proposals(assignment, [p.pk for p in pupils])
    rows = []
    for p in pupils:
        marks = by_period.get(p.pk, {})
        proposal = proposals[p.pk]
        rows.append(
            YearRow(
                pupil_id=p.pk,
                name=p.user.full_name,
                periods=marks,
                suggested_year=suggested_year_mark([marks.get(x.pk, "") for x in periods])
                if all(x.pk in marks for x in periods)
                else None,
                year=proposal.year,
                exam=proposal.exam,
                final=proposal.final,
                proposed_final=proposal.proposed if proposal.final is None else None,
            )
        )
    deadlines = year_deadlines(year.pk)
    today = timezone.localdate()
    last_end = grade_last_period_end(assignment)
    due = {
        kind: period_mark_due(kind, assignment, None, deadlines=deadlines, last_period_end=last_end)
        for kind in ("year", "exam", "final")
    }
    access_log(
        user=for_user,
        action="read",
        what="register.year_mark_sheet",
        pupil_ids=[p.pk for p in pupils],
        details={"assignment_id": assignment.pk},
    )
    return YearSheet(
        assignment=assignment,
        periods=periods,
        rows=rows,
        due=due,
        state={kind: period_mark_state(d, today) for kind, d in due.items()},
        may_write=assignment.pk in scope.assignment_ids and not scope.is_pupil,
        final_rule=final_mark_rule(current_rules()),
        allowed_values=_allowed_period_values(),
    )


@dataclass(frozen=True)
class DeadlineLine:
    kind: str
    period: ReportingPeriod | None
    due: MarkDue


def mark_deadline_list(*, year_id: int, for_user: Any) -> list[DeadlineLine]:
    """The year's deadlines for period, year, exam and final marks as in force: the
    school's order, else the regulation's default (MRK-3). Staff only (else 404)."""
    scope = scope_for(for_user)
    year = AcademicYear.objects.filter(pk=year_id).first() if scope.is_staff else None
    if year is None:
        raise Http404
    deadlines = year_deadlines(year.pk)
    periods = list(ReportingPeriod.objects.filter(year=year))
    # A stand-in assignment: the deadline depends on the year and the period only.
    probe = TeachingAssignment(year=year)
    lines = [
        DeadlineLine("period", p, period_mark_due("period", probe, p, deadlines=deadlines))
        for p in periods
    ]
    last_end = max((p.ends_on for p in periods), default=year.ends_on)
    lines += [
        DeadlineLine(
            kind,
            None,
            period_mark_due(kind, probe, None, deadlines=deadlines, last_period_end=last_end),
        )
        for kind in ("year", "exam", "final")
    ]
    return lines


# ---------------------------------------------------------------- the diary by year (DIA-2, DIA-6)


@dataclass(frozen=True)
class YearSubjectLine:
    assignment_id: int
    subject: str
    marks: list[int]
    average: Decimal | None
    periods: dict[int, str]  # period id → period mark
    year: str | None
    exam: str | None
    final: str | None


@dataclass(frozen=True)
class PupilYearMarks:
    pupil: Pupil
    year: AcademicYear
    years: list[AcademicYear]  # every year the pupil was on a class list here
    periods: list[ReportingPeriod]
    subjects: list[YearSubjectLine]


def diary_pupil_q(scope: Scope) -> Q:
    """Whose marks the user may read in the diary: the pupil themself, a parent with
    consent in force, staff who may see the pupil."""
    q = Q(id__in=scope.personal_pupil_ids)
    if scope.is_staff:
        staff_q = visible_pupils_q(scope)
        if not staff_q:  # the whole school (an empty Q would vanish from an OR)
            return Q()
        q |= staff_q
    return q


def pupil_year_marks(*, pupil_id: int, for_user: Any, year_id: int | None = None) -> PupilYearMarks:
    """A pupil's marks of one school year: lesson marks with the weighted average, period,
    year, exam and final marks per subject, shown as soon as they are saved (DIA-2); any
    earlier year the pupil studied here stays readable (DIA-6, 000 §2.3). Default: the year
    of the pupil's current class, else the latest. A fixed number of queries."""
    scope = scope_for(for_user)
    pupil = Pupil.objects.filter(diary_pupil_q(scope), id=pupil_id).select_related("user").first()
    if pupil is None:
        raise Http404
    years = list(
        AcademicYear.objects.filter(
            id__in=ClassMembership.objects.filter(pupil=pupil).values("class_group__year_id")
        ).order_by("-starts_on")
    )
    if not years:
        raise Http404
    if year_id is None:
        current = Pupil.objects.filter(pk=pupil.pk).values_list("class_group__year_id", flat=True)
        wanted = current[0] if current and current[0] else years[0].pk
    else:
        wanted = year_id
    year = next((y for y in years if y.pk == wanted), None)
    if year is None:
        raise Http404
    grades = set(
        ClassMembership.objects.filter(pupil=pupil, class_group__year=year).values_list(
            "class_group__grade", flat=True
        )
    )
    periods = [
        p
        for p in ReportingPeriod.objects.filter(year=year)
        if any(p.grade_from <= g <= p.grade_to for g in grades)
    ]
    latest: dict[int, int | None] = {}
    for mark_id, new_value in (
        MarkCorrection.objects.filter(mark__pupil=pupil, mark__lesson__assignment__year=year)
        .order_by("corrected_at", "id")
        .values_list("mark_id", "new_value")
    ):
        latest[mark_id] = new_value
    lines: dict[int, dict[str, Any]] = {}

    def line(assignment_id: int, subject: str) -> dict[str, Any]:
        return lines.setdefault(
            assignment_id,
            {"subject": subject, "marks": [], "weights": [], "periods": {}, "kinds": {}},
        )

    for mark_id, assignment_id, subject, value, weight in (
        Mark.objects.filter(pupil=pupil, lesson__assignment__year=year)
        .order_by("lesson__date", "lesson__slot", "id")
        .values_list(
            "id", "lesson__assignment_id", "lesson__assignment__subject__title", "value", "weight"
        )
    ):
        effective = latest[mark_id] if mark_id in latest else value
        if effective is not None:
            entry = line(assignment_id, subject)
            entry["marks"].append(effective)
            entry["weights"].append((effective, weight))
    for pm_assignment, pm_subject, kind, period_id, pm_value in PeriodMark.objects.filter(
        pupil=pupil, assignment__year=year
    ).values_list("assignment_id", "assignment__subject__title", "kind", "period_id", "value"):
        entry = line(pm_assignment, pm_subject)
        if kind == PeriodMark.Kind.PERIOD:
            entry["periods"][period_id] = pm_value
        else:
            entry["kinds"][kind] = pm_value
    subjects = [
        YearSubjectLine(
            assignment_id=aid,
            subject=e["subject"],
            marks=e["marks"],
            average=grading.shown_average(e["weights"]),
            periods=e["periods"],
            year=e["kinds"].get("year"),
            exam=e["kinds"].get("exam"),
            final=e["kinds"].get("final"),
        )
        for aid, e in sorted(lines.items(), key=lambda kv: (kv[1]["subject"], kv[0]))
    ]
    access_log(
        user=for_user,
        action="read",
        what="register.pupil_year_marks",
        pupil_ids=[pupil.pk],
        details={"year_id": year.pk},
    )
    return PupilYearMarks(pupil, year, years, periods, subjects)


# ---------------------------------------------------------------- substitution journal (ROLE-5)


def substitution_journal(
    *,
    for_user: Any,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    teacher_id: int | None = None,
    year_id: int | None = None,
) -> QuerySet[Lesson]:
    """Журнал замещения уроков (ROLE-5, 000 §3.9): every substituted lesson with the
    substitute, the absent teacher, the reason and who granted it, by date.

    The director and deputies see the school's; a teacher the lessons they substituted or
    were substituted in; everyone else nothing. `teacher_id` (a staff member) narrows to
    lessons where that teacher substituted or was substituted; `year_id` to one year. A
    teacher or year that is not this school's (or a school with no year yet) is 404, not
    an empty journal (TEN-3). One query per page.
    """
    years = journal_years_or_404(year_id)
    exists_here_or_404(StaffMember, teacher_id)
    scope = scope_for(for_user)
    qs = Lesson.objects.filter(substitute__isnull=False)
    if year_id is not None:
        qs = qs.filter(assignment__year__in=years)
    if not scope.whole_school:
        if not scope.is_staff or scope.user_id is None:
            return Lesson.objects.none()
        me = StaffMember.objects.filter(user_id=scope.user_id).values("pk")
        qs = qs.filter(Q(substitute__in=me) | Q(substituted_teacher__in=me))
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    if teacher_id:
        qs = qs.filter(Q(substitute_id=teacher_id) | Q(substituted_teacher_id=teacher_id))
    return qs.select_related(
        "assignment__subject",
        "assignment__class_group",
        "assignment__subgroup",
        "substitute__user",
        "substituted_teacher__user",
        "substitution_granted_by",
    ).order_by("date", "slot", "id")
