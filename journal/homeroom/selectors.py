"""Reads of the class teacher's duties (002 п.5 Кл.рук. б), г), д); 002 Регламент п.3).

- `class_summary`: the class's progress and attendance for a reporting period, per pupil
  (average per subject, low marks, absences with and without a reason); preliminary two
  weeks before the period ends, final from its last day.
- `data_check_months`: the months of the school year with the class's data check, and
  which are overdue.
- `acknowledgement_list`: who of the parents has read the period's marks.
- `diary_acknowledgement`: the same for one parent and child, in the diary.

The class teacher of the class and the director and deputies read (else 404); a class
comes from the page's list of the user's classes and is checked again here. Reads of
pupils' data are written to the access log (ROLE-4).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, Min
from django.http import Http404

from accounts import roles
from core.russian import month_title
from journal.access import scope_for
from journal.audit.services import access_log
from journal.homeroom.models import DataCheck, MarksAcknowledgement
from journal.register import grading
from journal.register.models import Attendance, Mark, MarkCorrection, PeriodMark
from journal.roster.models import ClassMembership, Guardian, GuardianLink, Pupil
from journal.structure.models import ClassGroup, ReportingPeriod, TeachingAssignment

PRELIMINARY_DAYS = 14  # the preliminary summary: two weeks before the period ends
LOW_MARK = 2

INTERIM = "interim"
PRELIMINARY = "preliminary"
FINAL = "final"
STAGE_TITLES = {
    INTERIM: "Текущая сводка",
    PRELIMINARY: "Предварительная сводка",
    FINAL: "Итоговая сводка",
}


def _check_class(group: ClassGroup, for_user: Any) -> None:
    scope = scope_for(for_user)
    if not (scope.whole_school or (group.pk in scope.class_ids and scope.is_staff)):
        raise Http404


def _check_period(group: ClassGroup, period: ReportingPeriod) -> None:
    if not (
        period.year_id == group.year_id and period.grade_from <= group.grade <= period.grade_to
    ):
        raise Http404


def _members(group: ClassGroup, start: dt.date, end: dt.date) -> list[Pupil]:
    """Everyone in the class on at least one day of [start, end], by name."""
    members = ClassMembership.objects.overlapping(start, end).filter(class_group=group)
    return list(
        Pupil.objects.filter(id__in=members.values("pupil_id"))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )


def summary_stage(period: ReportingPeriod, on: dt.date) -> str:
    """Which summary the date calls for: the final one from the period's last day, the
    preliminary one in its last two weeks, a current one before that."""
    if on >= period.ends_on:
        return FINAL
    if on >= period.ends_on - dt.timedelta(days=PRELIMINARY_DAYS):
        return PRELIMINARY
    return INTERIM


@dataclass(frozen=True)
class SummaryCell:
    average: Decimal | None
    marks: int
    low: int


@dataclass(frozen=True)
class SummaryRow:
    pupil_id: int
    name: str
    cells: list[SummaryCell]
    low_marks: int
    with_reason: int  # Б, У
    without_reason: int  # Н
    late: int  # О


@dataclass
class ClassSummary:
    group: ClassGroup
    period: ReportingPeriod
    stage: str
    on: dt.date
    subjects: list[str] = field(default_factory=list)
    rows: list[SummaryRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return STAGE_TITLES[self.stage]

    @property
    def preliminary_from(self) -> dt.date:
        return self.period.ends_on - dt.timedelta(days=PRELIMINARY_DAYS)


def class_summary(
    *, group: ClassGroup, period: ReportingPeriod, on: dt.date, for_user: Any
) -> ClassSummary:
    """The class's progress and attendance in the period up to `on` (002 п.5 Кл.рук. г),
    д)). Five queries whatever the size of the class (pupils, subjects, marks, their
    corrections, absences) and the access log's one."""
    _check_class(group, for_user)
    _check_period(group, period)
    end = min(on, period.ends_on)
    pupils = _members(group, period.starts_on, period.ends_on)
    ids = [p.pk for p in pupils]
    subjects = sorted(
        {
            (title, subject_id)
            for subject_id, title in TeachingAssignment.objects.filter(
                class_group=group
            ).values_list("subject_id", "subject__title")
        }
    )
    in_period = {
        "lesson__assignment__class_group": group,
        "lesson__date__gte": period.starts_on,
        "lesson__date__lte": end,
        "pupil_id__in": ids,
    }
    rows = list(
        Mark.objects.filter(**in_period).values_list(
            "id", "pupil_id", "lesson__assignment__subject_id", "value", "weight"
        )
    )
    latest: dict[int, int | None] = {}
    if rows:
        for mark_id, new_value in (
            MarkCorrection.objects.filter(mark_id__in=[r[0] for r in rows])
            .order_by("corrected_at", "id")
            .values_list("mark_id", "new_value")
        ):
            latest[mark_id] = new_value
    marks: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for mark_id, pupil_id, subject_id, value, weight in rows:
        shown = latest[mark_id] if mark_id in latest else value
        if shown is not None:
            marks[(pupil_id, subject_id)].append((shown, weight))
    absences: dict[int, Counter[str]] = defaultdict(Counter)
    for pupil_id, code in Attendance.objects.filter(**in_period).values_list("pupil_id", "code"):
        absences[pupil_id][code] += 1
    summary = ClassSummary(
        group=group,
        period=period,
        stage=summary_stage(period, on),
        on=on,
        subjects=[title for title, _ in subjects],
    )
    for pupil in pupils:
        cells = []
        for _title, subject_id in subjects:
            got = marks.get((pupil.pk, subject_id), [])
            cells.append(
                SummaryCell(
                    average=grading.shown_average(got),
                    marks=len(got),
                    low=sum(1 for v, _w in got if v <= LOW_MARK),
                )
            )
        codes = absences[pupil.pk]
        summary.rows.append(
            SummaryRow(
                pupil_id=pupil.pk,
                name=pupil.user.full_name,
                cells=cells,
                low_marks=sum(c.low for c in cells),
                with_reason=codes[Attendance.Code.ILL] + codes[Attendance.Code.EXCUSED],
                without_reason=codes[Attendance.Code.UNEXCUSED],
                late=codes[Attendance.Code.LATE],
            )
        )
    access_log(
        user=for_user,
        action="read",
        what="homeroom.class_summary",
        pupil_ids=ids,
        details={"class_group_id": group.pk, "period_id": period.pk},
    )
    return summary


# ------------------------------------------------------------ the monthly data check


CHECKED = "checked"
OVERDUE = "overdue"
DUE = "due"


@dataclass(frozen=True)
class MonthCheck:
    month: dt.date
    due_on: dt.date  # the month's last day
    check: DataCheck | None
    status: str

    @property
    def title(self) -> str:
        return month_title(self.month)

    @property
    def late(self) -> bool:
        return self.check is not None and self.check.checked_on > self.due_on


def _month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def data_check_months(*, group: ClassGroup, on: dt.date, for_user: Any) -> list[MonthCheck]:
    """The months of the school's teaching (its reporting periods, else the year) up to the
    month of `on`, newest first, each with its check: done, due (this month) or overdue
    (002 п.5 Кл.рук. б)). Two queries."""
    _check_class(group, for_user)
    span = ReportingPeriod.objects.filter(year_id=group.year_id).aggregate(
        first=Min("starts_on"), last=Max("ends_on")
    )
    first: dt.date = span["first"] or group.year.starts_on
    last: dt.date = min(span["last"] or group.year.ends_on, on)
    checks = {
        c.month: c for c in DataCheck.objects.filter(class_group=group).select_related("checked_by")
    }
    months: list[MonthCheck] = []
    month = first.replace(day=1)
    while month <= last:
        due_on = _month_end(month)
        check = checks.get(month)
        status = CHECKED if check else (OVERDUE if due_on < on else DUE)
        months.append(MonthCheck(month=month, due_on=due_on, check=check, status=status))
        month = due_on + dt.timedelta(days=1)
    return months[::-1]


# ------------------------------------------------ parents' acknowledgement of marks


@dataclass(frozen=True)
class GuardianAck:
    name: str
    acknowledged_at: dt.datetime | None


@dataclass(frozen=True)
class AckRow:
    pupil_id: int
    name: str
    has_marks: bool
    guardians: list[GuardianAck]

    @property
    def acknowledged(self) -> bool:
        return any(g.acknowledged_at for g in self.guardians)


def acknowledgement_list(
    *, group: ClassGroup, period: ReportingPeriod, for_user: Any
) -> list[AckRow]:
    """Each pupil of the class in the period with their parents and whether each has read
    the period's marks (002 Регламент п.3). Four queries."""
    _check_class(group, for_user)
    _check_period(group, period)
    pupils = _members(group, period.starts_on, period.ends_on)
    ids = [p.pk for p in pupils]
    links = defaultdict(list)
    for link in (
        GuardianLink.objects.filter(pupil_id__in=ids)
        .select_related("guardian__user")
        .order_by("guardian__user__last_name", "id")
    ):
        links[link.pupil_id].append(link.guardian)
    acks = dict(
        ((guardian_id, pupil_id), at)
        for guardian_id, pupil_id, at in MarksAcknowledgement.objects.filter(
            period=period, pupil_id__in=ids
        ).values_list("guardian_id", "pupil_id", "acknowledged_at")
    )
    with_marks = set(
        PeriodMark.objects.filter(
            period=period, kind=PeriodMark.Kind.PERIOD, pupil_id__in=ids
        ).values_list("pupil_id", flat=True)
    )
    access_log(
        user=for_user,
        action="read",
        what="homeroom.acknowledgement_list",
        pupil_ids=ids,
        details={"class_group_id": group.pk, "period_id": period.pk},
    )
    return [
        AckRow(
            pupil_id=p.pk,
            name=p.user.full_name,
            has_marks=p.pk in with_marks,
            guardians=[GuardianAck(g.user.full_name, acks.get((g.pk, p.pk))) for g in links[p.pk]],
        )
        for p in pupils
    ]


@dataclass(frozen=True)
class DiaryAcknowledgement:
    period: ReportingPeriod
    has_marks: bool
    acknowledged_at: dt.datetime | None


def diary_acknowledgement(
    *, pupil: Pupil, period: ReportingPeriod | None, for_user: Any
) -> DiaryAcknowledgement | None:
    """For a parent's diary: whether they have read the child's marks of the period (None
    for a pupil, or without a period). `pupil` comes from the diary's access check."""
    scope = scope_for(for_user)
    if period is None or roles.PARENT not in scope.roles or pupil.pk not in scope.child_ids:
        return None
    guardian = Guardian.objects.filter(user=for_user).first()
    if guardian is None:
        return None
    at = (
        MarksAcknowledgement.objects.filter(guardian=guardian, pupil=pupil, period=period)
        .values_list("acknowledged_at", flat=True)
        .first()
    )
    has_marks = PeriodMark.objects.filter(
        pupil=pupil, period=period, kind=PeriodMark.Kind.PERIOD
    ).exists()
    return DiaryAcknowledgement(period=period, has_marks=has_marks, acknowledged_at=at)


def period_for_acknowledgement(
    *, pupil: Pupil, period_id: int | None, for_user: Any
) -> ReportingPeriod:
    """The period a parent acknowledges: one of the child's class (else 404)."""
    scope = scope_for(for_user)
    group = pupil.class_group
    if period_id is None or group is None or pupil.pk not in scope.personal_pupil_ids:
        raise Http404
    period = ReportingPeriod.objects.filter(
        pk=period_id, year_id=group.year_id, grade_from__lte=group.grade, grade_to__gte=group.grade
    ).first()
    if period is None:
        raise Http404
    return period


def recording_class_ids(*, for_user: Any) -> frozenset[int]:
    """The classes whose data checks the user records: their own as class teacher."""
    scope = scope_for(for_user)
    return scope.class_ids if scope.is_staff and not scope.is_pupil else frozenset()
