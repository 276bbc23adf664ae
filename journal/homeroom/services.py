"""The class teacher's records (002 п.5 Кл.рук. б); 002 Регламент п.3): writes.

- `data_check_record`: the class teacher records the month's check of pupils' and
  parents' data (the day it was done, what was corrected); once per class and month.
- `marks_acknowledge`: a parent confirms having read a period's marks of their child;
  idempotent (a second click returns the first record).

Both refuse a closed school year (YEAR-1) after the permission check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import roles
from core.russian import accusative, month_title
from journal.access import deny, scope_for
from journal.audit.services import access_log
from journal.homeroom.models import DataCheck, MarksAcknowledgement
from journal.register.models import PeriodMark
from journal.roster.models import Guardian, Pupil
from journal.structure.closing import year_must_be_open
from journal.structure.models import ClassGroup, ReportingPeriod


@transaction.atomic
def data_check_record(
    *, class_group: ClassGroup, month: dt.date, checked_on: dt.date, note: str, by: Any
) -> DataCheck:
    """Record the monthly check of the class's pupils' and parents' data (002 п.5 Кл.рук.
    б)). The class teacher of the class only; the month lies within the school year; the
    day of the check is in that month or later, and not in the future."""
    scope = scope_for(by)
    if class_group.pk not in scope.class_ids or not scope.is_staff:
        raise deny("Сверку данных записывает классный руководитель класса.")
    year = class_group.year
    year_must_be_open(year.pk, scope=scope)
    month = month.replace(day=1)
    errors: dict[str, list[str]] = {}
    if not year.starts_on.replace(day=1) <= month <= year.ends_on:
        errors["month"] = [f"Месяц вне учебного года {year.title}."]
    if checked_on < month:
        errors["checked_on"] = ["Дата проверки раньше начала месяца."]
    elif checked_on > timezone.localdate():
        errors["checked_on"] = ["Дата проверки ещё не наступила."]
    if errors:
        raise ValidationError(errors)
    existing = DataCheck.objects.filter(class_group=class_group, month=month).first()
    if existing is not None:
        raise ValidationError(
            {
                "month": [
                    f"Сверка за {month_title(month)} уже записана {existing.checked_on:%d.%m.%Y}."
                ]
            }
        )
    check = DataCheck.objects.create(
        class_group=class_group,
        month=month,
        checked_on=checked_on,
        note=note.strip(),
        checked_by=by,
    )
    access_log(
        user=by,
        action="change",
        what="homeroom.data_check_record",
        pupil_ids=[],
        details={"class_group_id": class_group.pk, "month": month.isoformat()},
    )
    return check


def marks_acknowledge(
    *, pupil: Pupil, period: ReportingPeriod, by: Any
) -> tuple[MarksAcknowledgement, bool]:
    """A parent confirms having read the child's marks for the period (002 Регламент п.3).

    Only a linked parent with consent in force; the period is one of the child's class
    (its year and grade) with at least one period mark given. Stored once per guardian,
    pupil and period: a repeated call returns the first record and False."""
    scope = scope_for(by)
    if roles.PARENT not in scope.roles or pupil.pk not in scope.child_ids:
        raise deny("Ознакомление подтверждает родитель (законный представитель) обучающегося.")
    guardian = Guardian.objects.filter(user=by).first()
    group = pupil.class_group
    if guardian is None or group is None:
        raise deny("Ознакомление подтверждает родитель (законный представитель) обучающегося.")
    if not (
        period.year_id == group.year_id and period.grade_from <= group.grade <= period.grade_to
    ):
        raise ValidationError({"period": ["Этот период не относится к классу обучающегося."]})
    year_must_be_open(period.year_id, scope=scope)
    existing = MarksAcknowledgement.objects.filter(
        guardian=guardian, pupil=pupil, period=period
    ).first()
    if existing is not None:
        return existing, False
    if not PeriodMark.objects.filter(
        pupil=pupil, period=period, kind=PeriodMark.Kind.PERIOD
    ).exists():
        raise ValidationError({"period": [f"Отметок за {accusative(period.title)} ещё нет."]})
    try:
        with transaction.atomic():
            record = MarksAcknowledgement.objects.create(
                guardian=guardian, pupil=pupil, period=period
            )
    except IntegrityError:  # a double click that raced the first one
        return MarksAcknowledgement.objects.get(
            guardian=guardian, pupil=pupil, period=period
        ), False
    return record, True
