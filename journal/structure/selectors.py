"""Reads of the structure, filtered by the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from journal.access import ROSTER_MANAGERS, Scope, scope_for
from journal.structure.models import (
    AcademicYear,
    ClassGroup,
    ReportingPeriod,
    SchoolOrder,
    StaffMember,
    Subgroup,
    SubgroupMember,
    TeachingAssignment,
    TimetableEntry,
)


def exists_here_or_404(model: Any, pk: int | None) -> None:
    """A filter id that names nothing in this school is 404, not an empty list (TEN-3)."""
    if pk is not None and not model._default_manager.filter(pk=pk).exists():
        raise Http404


def journal_years_or_404(year_id: int | None = None) -> QuerySet[AcademicYear]:
    """The years a journal-wide list reads: the year `year_id`, or every year of the school.
    A year that is not this school's, or a school with no year at all (nothing of it is
    journals yet), is 404 rather than an empty list (TEN-3)."""
    qs = AcademicYear.objects.all()
    if year_id is not None:
        qs = qs.filter(pk=year_id)
    if not qs.exists():
        raise Http404
    return qs


def visible_class_ids_q(scope: Scope) -> Q:
    """Classes the scope may list (staff with a relation to the class)."""
    if scope.whole_school or scope.roles & ROSTER_MANAGERS:
        return Q()
    q = Q(id__in=scope.class_ids)
    if scope.assignment_ids:
        q |= Q(
            id__in=TeachingAssignment.objects.filter(id__in=scope.assignment_ids).values(
                "class_group_id"
            )
        )
    return q


def class_list(
    *, for_user: Any, year_id: int | None = None, grade: int | None = None
) -> QuerySet[ClassGroup]:
    """Classes: the whole school for the administration, own classes for teachers;
    optionally of one school year and one parallel."""
    scope = scope_for(for_user)
    if not scope.is_staff:
        return ClassGroup.objects.none()
    qs = ClassGroup.objects.filter(visible_class_ids_q(scope))
    if year_id is not None:
        qs = qs.filter(year_id=year_id)
    if grade is not None:
        qs = qs.filter(grade=grade)
    return qs.order_by("grade", "letter")


def timetable(
    *,
    for_user: Any,
    class_group_id: int | None = None,
    teacher_id: int | None = None,
    room: str | None = None,
) -> QuerySet[TimetableEntry]:
    """The timetable by class, teacher or room (SET-3). Staff read the school's timetable;
    pupils and parents read their class's."""
    scope = scope_for(for_user)
    qs = TimetableEntry.objects.select_related("class_group", "assignment__subject")
    if not scope.is_staff:
        qs = qs.filter(
            class_group_id__in=ClassGroup.objects.filter(
                pupils__id__in=scope.personal_pupil_ids
            ).values("id")
        )
    if class_group_id is None and teacher_id is None and room is None:
        raise Http404
    # A class or teacher that does not exist here is 404, not an empty timetable (TEN-3).
    if class_group_id is not None and not ClassGroup.objects.filter(pk=class_group_id).exists():
        raise Http404
    if teacher_id is not None and not StaffMember.objects.filter(pk=teacher_id).exists():
        raise Http404
    filters = Q()
    if class_group_id is not None:
        filters &= Q(class_group_id=class_group_id)
    if teacher_id is not None:
        filters &= Q(teacher_id=teacher_id)
    if room is not None:
        filters &= Q(room=room)
    return qs.filter(filters).order_by("weekday", "slot")


def academic_year_list(*, for_user: Any) -> QuerySet[AcademicYear]:
    """School years with their periods and bells, for staff (SET-1)."""
    if not scope_for(for_user).is_staff:
        return AcademicYear.objects.none()
    return AcademicYear.objects.prefetch_related("periods", "bell_slots").order_by("-starts_on")


def academic_year_get(*, year_id: int, for_user: Any) -> AcademicYear:
    """One school year; 404 for anyone outside staff or an id of no year of this school."""
    year = academic_year_list(for_user=for_user).filter(id=year_id).first()
    if year is None:
        raise Http404
    return year


def class_group_get(*, class_group_id: int, for_user: Any) -> ClassGroup:
    """A class the user may list (administration: all; teachers: their own), else 404."""
    group = class_list(for_user=for_user).filter(id=class_group_id).select_related("year").first()
    if group is None:
        raise Http404
    return group


@dataclass(frozen=True)
class SubjectSplit:
    """How a subject of a class is split into subgroups (SET-2)."""

    subject_id: int
    subject: str
    subgroups: list[tuple[Subgroup, list[int]]]
    unassigned_pupil_ids: list[int]


def subgroup_list(*, class_group_id: int, for_user: Any) -> list[SubjectSplit]:
    """The class's subgroups by subject with their pupils, and the pupils of the class who
    are in no subgroup of a split subject yet (to be distributed, SET-2)."""
    group = class_group_get(class_group_id=class_group_id, for_user=for_user)
    subgroups = list(
        Subgroup.objects.filter(class_group=group).select_related("subject").order_by("title")
    )
    members: dict[int, list[int]] = {}
    for subgroup_id, pupil_id in SubgroupMember.objects.filter(class_group=group).values_list(
        "subgroup_id", "pupil_id"
    ):
        members.setdefault(subgroup_id, []).append(pupil_id)
    class_pupils = sorted(group.pupils.values_list("id", flat=True))
    by_subject: dict[int, list[Subgroup]] = {}
    for sub in subgroups:
        by_subject.setdefault(sub.subject_id, []).append(sub)
    result = []
    for subject_id, subs in sorted(by_subject.items(), key=lambda kv: kv[1][0].subject.title):
        assigned = {pid for sub in subs for pid in members.get(sub.pk, [])}
        result.append(
            SubjectSplit(
                subject_id=subject_id,
                subject=subs[0].subject.title,
                subgroups=[(sub, sorted(members.get(sub.pk, []))) for sub in subs],
                unassigned_pupil_ids=[p for p in class_pupils if p not in assigned],
            )
        )
    return result


def readable_assignments_q(scope: Scope) -> Q:
    """Assignments whose journal the scope may read, as a condition for related rows
    (lessons, marks): the same rule as `TeachingAssignment.objects.readable_by(scope)`."""
    if scope.whole_school:
        return Q()
    return Q(id__in=scope.assignment_ids) | Q(class_group_id__in=scope.class_ids)


def assignment_for_reading(
    *, assignment_id: int, for_user: Any
) -> tuple[TeachingAssignment, Scope]:
    scope = scope_for(for_user)
    assignment = (
        TeachingAssignment.objects.readable_by(scope)
        .filter(id=assignment_id)
        .select_related("subject", "class_group", "subgroup", "teacher__user", "year")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment, scope


def academic_year_current() -> AcademicYear | None:
    """The school's current academic year, else the latest one; None in a school without.

    A school's years are not personal data: every staff page may show which is current."""
    return (
        AcademicYear.objects.filter(is_current=True).first()
        or AcademicYear.objects.order_by("-starts_on").first()
    )


# ---------------------------------------------------------------- what the regulation makes due
#
# Readers of the adopted rules that the reports and archive issues build on (TPL-1):
# which classes are due a paper copy (002 п.4) or a printout for parents without electronic
# access (DIA-3) on a date, and when a year's journals and summary sheets may leave the
# archive (ARC-2). Only the administration reads them.


def _require_administration(for_user: Any) -> None:
    from journal.access import STRUCTURE_MANAGERS, require_roles

    require_roles(
        scope_for(for_user),
        STRUCTURE_MANAGERS,
        "Сроки по положению видят директор, заместитель и администратор ЭЖ.",
    )


def _year_on(on: dt.date) -> AcademicYear | None:
    return AcademicYear.objects.filter(starts_on__lte=on, ends_on__gte=on).first()


@dataclass(frozen=True)
class PaperCopyDue:
    """A class whose paper copy of the journal is made at the end of this period (002 п.4)."""

    class_group: ClassGroup
    period_kind: str  # the kind the adopted cadence names for the class's grade
    period_title: str
    period_ends_on: dt.date


def paper_copies_due(*, on: dt.date, for_user: Any) -> list[PaperCopyDue]:
    """Classes due a paper copy on `on`: it is the last day of a period of the kind the
    adopted `paper_copy_cadence` names for the class's grade (quarters in 2–9, half-years in
    10–11 by default). The school's own periods of that kind are used, else the operator's
    calendar of the adopted scheme (a school on trimesters still prints per half-year in
    10–11 when its regulation says so). Three queries."""
    from catalog.selectors import calendar_periods, current_rules

    _require_administration(for_user)
    year = _year_on(on)
    if year is None:
        return []
    rules = current_rules()
    periods = list(ReportingPeriod.objects.filter(year=year))
    due: list[PaperCopyDue] = []
    central: dict[str, list[Any]] = {}
    for group in ClassGroup.objects.filter(year=year).order_by("grade", "letter"):
        kind = rules.paper_copy_kind(group.grade)
        if kind is None:
            continue
        own = [
            (p.title, p.ends_on)
            for p in periods
            if p.kind == kind and p.grade_from <= group.grade <= p.grade_to
        ]
        if not own and kind != "year":
            if kind not in central:
                central[kind] = calendar_periods(start_year=year.starts_on.year, kind=kind)
            own = [(p.title, p.end) for p in central[kind]]
        if kind == "year":
            own = [("Учебный год", year.ends_on)]
        for title, ends_on in own:
            if ends_on == on:
                due.append(PaperCopyDue(group, kind, title, ends_on))
    return due


@dataclass(frozen=True)
class PrintoutSchedule:
    """Printouts of results for parents who declined electronic access (DIA-3)."""

    every_days: int
    due_today: bool
    last_due_on: dt.date  # the latest printout day on or before the date
    next_due_on: dt.date
    class_groups: list[ClassGroup]  # the classes whose printouts are made on `last_due_on`


def parent_printouts_due(*, on: dt.date, for_user: Any) -> PrintoutSchedule | None:
    """The printout days of the year holding `on`: every `parent_printout_days` days from
    the first day of the school year (001: weekly; 002: every two weeks). None outside a
    school year."""
    from catalog.selectors import current_rules

    _require_administration(for_user)
    year = _year_on(on)
    if year is None:
        return None
    every = current_rules().parent_printout_days
    since_start = (on - year.starts_on).days
    last = year.starts_on + dt.timedelta(days=since_start - since_start % every)
    return PrintoutSchedule(
        every_days=every,
        due_today=last == on,
        last_due_on=last,
        next_due_on=last + dt.timedelta(days=every),
        class_groups=list(ClassGroup.objects.filter(year=year).order_by("grade", "letter")),
    )


@dataclass(frozen=True)
class Retention:
    """How long a school year's records are kept (000 §4.1, ARC-2)."""

    year: AcademicYear
    journals_kept_until: dt.date
    summaries_kept_until: dt.date
    journals_expired: bool
    summaries_expired: bool


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention_due(*, on: dt.date, for_user: Any) -> list[Retention]:
    """Every ended school year with the dates its journals (`retention_journal_years`) and
    summary progress sheets (`retention_summary_years`) must be kept until, counted from
    the year's end, and whether that date has passed on `on`. The archive issue destroys
    nothing on its own: this says what the regulation allows. One query."""
    from catalog.selectors import current_rules

    _require_administration(for_user)
    rules = current_rules()
    result = []
    for year in AcademicYear.objects.filter(ends_on__lt=on).order_by("starts_on"):
        journals = _add_years(year.ends_on, rules.retention_journal_years)
        summaries = _add_years(year.ends_on, rules.retention_summary_years)
        result.append(Retention(year, journals, summaries, journals < on, summaries < on))
    return result


# ---------------------------------------------------------------- the director's orders (TPL-6)


def school_order_list(*, for_user: Any, kind: str | None = None) -> QuerySet[SchoolOrder]:
    """The director's orders on the journal, newest first, with the edition that cancelled
    each; every member of staff may read them (the regulation binds them all)."""
    if not scope_for(for_user).is_staff:
        return SchoolOrder.objects.none()
    qs = SchoolOrder.objects.select_related("cancelled_by", "recorded_by")
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("-signed_on", "-id")


def regulation_order_in_force() -> SchoolOrder | None:
    """The order that put the school's regulation in force (None: adopted at onboarding,
    no order recorded yet)."""
    return SchoolOrder.objects.filter(
        kind=SchoolOrder.Kind.REGULATION, cancelled_on__isnull=True
    ).first()
