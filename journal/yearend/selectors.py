"""Reads of the year's end (YEAR-1): is every class's year marks complete, who has debts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, QuerySet
from django.http import Http404

from catalog.selectors import current_rules
from journal.access import scope_for
from journal.audit.services import access_log
from journal.register.models import PeriodMark, PeriodMarkValue
from journal.roster.models import Pupil
from journal.structure.models import (
    AcademicYear,
    ClassGroup,
    ReportingPeriod,
    SubgroupMember,
    TeachingAssignment,
)
from journal.yearend.models import PromotionDecision, YearClosing

LAST_GRADE = 11
# Grades whose pupils may finish here: 11 always; 9 where the school says so.
GRADUATION_GRADES = (9, 11)
Outcome = PromotionDecision.Outcome


@dataclass(frozen=True)
class PupilStanding:
    pupil_id: int
    name: str
    class_group_id: int
    class_title: str
    grade: int
    marks_required: bool  # False in grades taught without marks
    missing: list[str]  # subjects without a year mark
    debts: list[tuple[str, str]]  # (subject, «2» / «н/а» / «незач»)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class ClassStanding:
    class_group_id: int
    title: str
    grade: int
    pupils: int
    missing_pupils: int
    debtors: int

    @property
    def complete_pupils(self) -> int:
        return self.pupils - self.missing_pupils


@dataclass
class YearCheck:
    year: AcademicYear
    closing: YearClosing | None
    classes: list[ClassStanding] = field(default_factory=list)
    pupils: list[PupilStanding] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(p.complete for p in self.pupils)


def year_standing(year: AcademicYear) -> YearCheck:
    """Every pupil now in a class of the year with the subjects they lack a year mark in
    and their debts. A final mark, where given, counts instead of the year mark. Five
    queries whatever the size of the school (classes, assignments, subgroups, pupils,
    marks). Internal: callers check the right to read (see `year_close_check`)."""
    without_marks = set(current_rules().grades_without_marks)
    classes = list(ClassGroup.objects.filter(year=year).order_by("grade", "letter"))
    assignments = list(
        TeachingAssignment.objects.filter(year=year)
        .select_related("subject")
        .only("id", "class_group_id", "subgroup_id", "subject__title")
    )
    in_subgroup = set(
        SubgroupMember.objects.filter(class_group__year=year).values_list("subgroup_id", "pupil_id")
    )
    pupils = list(
        Pupil.objects.filter(class_group__year=year)
        .select_related("user")
        .only("id", "class_group_id", "user__last_name", "user__first_name", "user__patronymic")
        .order_by("user__last_name", "user__first_name", "id")
    )
    marks: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    for pupil_id, assignment_id, kind, given in PeriodMark.objects.filter(
        assignment__year=year, kind__in=[PeriodMark.Kind.YEAR, PeriodMark.Kind.FINAL]
    ).values_list("pupil_id", "assignment_id", "kind", "value"):
        marks[(pupil_id, assignment_id)][kind] = given
    by_class: dict[int, list[TeachingAssignment]] = defaultdict(list)
    for a in assignments:
        by_class[a.class_group_id].append(a)
    class_of = {c.pk: c for c in classes}
    standings = []
    for pupil in pupils:
        group = class_of[pupil.class_group_id or 0]
        required = group.grade not in without_marks
        missing: list[str] = []
        debts: list[tuple[str, str]] = []
        if required:
            for a in sorted(by_class[group.pk], key=lambda x: x.subject.title):
                if a.subgroup_id and (a.subgroup_id, pupil.pk) not in in_subgroup:
                    continue
                got = marks.get((pupil.pk, a.pk), {})
                value: str | None = got.get(PeriodMark.Kind.FINAL) or got.get(PeriodMark.Kind.YEAR)
                if value is None:
                    missing.append(a.subject.title)
                elif value in PeriodMarkValue.DEBTS:
                    debts.append((a.subject.title, value))
        standings.append(
            PupilStanding(
                pupil_id=pupil.pk,
                name=pupil.user.full_name,
                class_group_id=group.pk,
                class_title=group.title,
                grade=group.grade,
                marks_required=required,
                missing=missing,
                debts=debts,
            )
        )
    class_rows = [
        ClassStanding(
            class_group_id=c.pk,
            title=c.title,
            grade=c.grade,
            pupils=sum(1 for s in standings if s.class_group_id == c.pk),
            missing_pupils=sum(1 for s in standings if s.class_group_id == c.pk and s.missing),
            debtors=sum(1 for s in standings if s.class_group_id == c.pk and s.debts),
        )
        for c in classes
    ]
    closing = YearClosing.objects.filter(year=year).first()
    return YearCheck(year=year, closing=closing, classes=class_rows, pupils=standings)


def _year_for_administration(year_id: int, for_user: Any) -> AcademicYear:
    scope = scope_for(for_user)
    year = AcademicYear.objects.filter(pk=year_id).first() if scope.whole_school else None
    if year is None:
        raise Http404
    return year


def year_close_check(*, year_id: int, for_user: Any) -> YearCheck:
    """The check before closing (YEAR-1, 003 §5.2.3): classes, pupils and subjects without
    year marks, and the pupils with academic debts. The director and deputies (else 404)."""
    year = _year_for_administration(year_id, for_user)
    check = year_standing(year)
    access_log(
        user=for_user,
        action="read",
        what="yearend.year_close_check",
        pupil_ids=[p.pupil_id for p in check.pupils],
        details={"year_id": year.pk},
    )
    return check


def year_closing_get(
    *, year_id: int, for_user: Any
) -> tuple[YearClosing, QuerySet[PromotionDecision]]:
    """The closed year's act with every pupil's outcome (the lists of conditionally
    promoted, held back and graduated pupils). The director and deputies (else 404)."""
    year = _year_for_administration(year_id, for_user)
    closing = YearClosing.objects.filter(year=year).select_related("year", "next_year").first()
    if closing is None:
        raise Http404
    decisions = (
        PromotionDecision.objects.filter(closing=closing)
        .select_related("pupil__user", "class_from", "class_to")
        .order_by("class_from__grade", "class_from__letter", "pupil__user__last_name", "id")
    )
    return closing, decisions


def pupil_outcome(standing: PupilStanding, graduating: bool) -> str:
    """What closing the year decides for one pupil (YEAR-1): without some year mark held
    back; in a graduating grade graduated, or held back with a debt (not admitted to the
    final attestation); otherwise promoted, conditionally with a debt."""
    if standing.missing:
        return Outcome.HELD_BACK
    if graduating:
        return Outcome.HELD_BACK if standing.debts else Outcome.GRADUATED
    return Outcome.CONDITIONAL if standing.debts else Outcome.PROMOTED


def year_close_outcomes(
    check: YearCheck, *, graduating_grades: Collection[int] = (LAST_GRADE,)
) -> dict[str, list[PupilStanding]]:
    """The outcome preview of a check (no writes): each outcome with its pupils, in the
    order `year_close` would decide them."""
    grades = set(graduating_grades) | {LAST_GRADE}
    outcomes: dict[str, list[PupilStanding]] = {o: [] for o in Outcome.values}
    for standing in check.pupils:
        outcomes[pupil_outcome(standing, standing.grade in grades)].append(standing)
    return outcomes


def year_closes_from(year: AcademicYear) -> dt.date:
    """The first day the year may be closed: the end of its last reporting period (or of
    the year itself, without periods)."""
    last: dt.date | None = ReportingPeriod.objects.filter(year=year).aggregate(last=Max("ends_on"))[
        "last"
    ]
    return last or year.ends_on
