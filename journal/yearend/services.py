"""Closing the school year (YEAR-1, 003 §5.2.3): promotion, graduation, next year, freeze."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts import roles
from core.errors import ApplicationError
from journal.access import require_roles, scope_for
from journal.audit.services import access_log
from journal.roster.models import ClassMembership, Movement, Pupil
from journal.structure.closing import year_must_be_open
from journal.structure.models import AcademicYear, ClassGroup
from journal.structure.services import academic_year_create
from journal.yearend.models import PromotionDecision, YearClosing
from journal.yearend.selectors import (
    GRADUATION_GRADES,
    LAST_GRADE,
    Outcome,
    PupilStanding,
    pupil_outcome,
    year_closes_from,
    year_standing,
)


@dataclass
class YearCloseResult:
    closing: YearClosing
    next_year: AcademicYear
    decisions: dict[str, list[PupilStanding]] = field(default_factory=dict)


@transaction.atomic
def year_close(
    *,
    year: AcademicYear,
    next_title: str,
    next_starts_on: dt.date,
    next_ends_on: dt.date,
    order_number: str,
    order_date: dt.date,
    graduating_grades: Sequence[int] = (LAST_GRADE,),
    by: Any,
) -> YearCloseResult:
    """Close a school year on the director's order (YEAR-1, 003 §5.2.3), all or nothing.

    1. Every pupil now in a class of the year is decided: with every year mark and no debt
       promoted to the next grade; with a «2», «н/а» or «незач» promoted conditionally
       (academic debt) and listed; without some year mark held back (repeats the grade) and
       listed; in a graduating grade (11, and 9 where the school says) graduated, or held
       back with a debt. Grades taught without marks are promoted without marks.
    2. Next year is created with its reporting periods from the adopted scheme
       (`academic_year_create(periods=None)`), or an open year with that title is used;
       each class gets its successor (5А → 6А) with the same class teacher.
    3. Class lists move: the year's memberships end on its last day, the new ones start on
       the next year's first; the movement log records each with the order's number.
    4. The year is frozen: a `YearClosing` row makes every write to it refused
       (`guard.year_must_be_open`).
    """
    scope = scope_for(by)
    require_roles(
        scope,
        {roles.DIRECTOR, roles.DEPUTY},
        "Учебный год закрывает директор или заместитель директора.",
    )
    year = AcademicYear.objects.select_for_update().get(pk=year.pk)
    year_must_be_open(year.pk)
    errors: dict[str, list[str]] = {}
    grades = set(graduating_grades) | {LAST_GRADE}
    if not grades <= set(GRADUATION_GRADES):
        errors["graduating_grades"] = ["Выпускные классы — 9 и 11."]
    if not (order_number or "").strip():
        errors["order_number"] = ["Укажите номер приказа."]
    if next_starts_on <= year.ends_on:
        errors["next_starts_on"] = [
            f"Следующий год должен начинаться после окончания {year.title} "
            f"({year.ends_on:%d.%m.%Y})."
        ]
    if errors:
        raise ValidationError(errors)
    last_day = year_closes_from(year)
    today = timezone.localdate()
    if today < last_day:
        raise ApplicationError(
            f"Учебный год {year.title} ещё не окончен: последний отчётный период "
            f"заканчивается {last_day:%d.%m.%Y}.",
            field_errors={"year": ["Закрыть год можно после окончания последнего периода."]},
        )
    next_year = AcademicYear.objects.filter(title=next_title).first()
    if next_year is None:
        next_year = academic_year_create(
            title=next_title,
            starts_on=next_starts_on,
            ends_on=next_ends_on,
            periods=None,
            make_current=True,
            by=by,
        )
    else:
        year_must_be_open(next_year.pk)
        if next_year.starts_on <= year.ends_on:
            raise ValidationError(
                {"next_title": [f"Учебный год {next_title} начинается раньше окончания этого."]}
            )
        AcademicYear.objects.filter(is_current=True).exclude(pk=next_year.pk).update(
            is_current=False
        )
        AcademicYear.objects.filter(pk=next_year.pk).update(is_current=True)

    check = year_standing(year)
    old_classes = {c.pk: c for c in ClassGroup.objects.filter(year=year)}
    new_classes = {(c.grade, c.letter): c for c in ClassGroup.objects.filter(year=next_year)}

    def successor(grade: int, letter: str, teacher_id: int | None) -> ClassGroup:
        group = new_classes.get((grade, letter))
        if group is None:
            group = ClassGroup.objects.create(
                year=next_year, grade=grade, letter=letter, class_teacher_id=teacher_id
            )
            if group.class_teacher is not None:
                assign_perm("structure.lead_class", group.class_teacher.user, group)
            new_classes[(grade, letter)] = group
        return group

    # Every class that continues gets its successor, pupils or not (5А → 6А).
    for old in sorted(old_classes.values(), key=lambda c: (c.grade, c.letter)):
        if old.grade not in grades:
            successor(old.grade + 1, old.letter, old.class_teacher_id)

    closing = YearClosing.objects.create(
        year=year,
        next_year=next_year,
        order_number=order_number.strip(),
        order_date=order_date,
        closed_by=by,
    )
    result = YearCloseResult(closing=closing, next_year=next_year)
    # The year's figures are final: the department's rollup of the school refreshes once
    # this transaction commits (through the outbox, issue #13).
    from department.services import rollup_enqueue

    rollup_enqueue(key=f"department.rollup:year-closed:{year.pk}")
    decisions: list[PromotionDecision] = []
    memberships: list[ClassMembership] = []
    movements: list[Movement] = []
    moved: list[Pupil] = []
    for standing in check.pupils:
        old = old_classes[standing.class_group_id]
        outcome = pupil_outcome(standing, old.grade in grades)
        target: ClassGroup | None
        if outcome == Outcome.GRADUATED:
            target = None
        elif outcome == Outcome.HELD_BACK:
            target = successor(old.grade, old.letter, None)
        else:
            target = successor(old.grade + 1, old.letter, old.class_teacher_id)
        result.decisions.setdefault(outcome, []).append(standing)
        decisions.append(
            PromotionDecision(
                closing=closing,
                pupil_id=standing.pupil_id,
                class_from=old,
                class_to=target,
                outcome=outcome,
                debts=[{"subject": s, "value": v} for s, v in standing.debts],
                missing=standing.missing,
            )
        )
        if target is not None:
            memberships.append(
                ClassMembership(
                    pupil_id=standing.pupil_id, class_group=target, date_from=next_year.starts_on
                )
            )
        movements.append(
            Movement(
                pupil_id=standing.pupil_id,
                kind=Movement.Kind.MOVED if target is not None else Movement.Kind.WITHDRAWN,
                on_date=next_year.starts_on if target is not None else year.ends_on,
                order_number=closing.order_number,
                class_from=old,
                class_to=target,
                other_school="",
                recorded_by=by,
            )
        )
        moved.append(Pupil(pk=standing.pupil_id, class_group=target))
    pupil_ids = [s.pupil_id for s in check.pupils]
    ClassMembership.objects.filter(pupil_id__in=pupil_ids, date_to__isnull=True).update(
        date_to=year.ends_on
    )
    ClassMembership.objects.bulk_create(memberships, batch_size=1000)
    Pupil.objects.bulk_update(moved, ["class_group"], batch_size=1000)
    Movement.objects.bulk_create(movements, batch_size=1000)
    PromotionDecision.objects.bulk_create(decisions, batch_size=1000)
    access_log(
        user=by,
        action="change",
        what="yearend.year_close",
        pupil_ids=pupil_ids,
        details={"year_id": year.pk, "next_year_id": next_year.pk},
    )
    return result
