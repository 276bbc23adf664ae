"""Writes of intermediate attestation and the control works schedule (YEAR-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import roles
from catalog.selectors import current_rules
from core.errors import ApplicationError
from journal.access import deny, require_roles, scope_for
from journal.attestation.models import AttestationEvent, AttestationResult, ControlWork
from journal.audit.services import access_log
from journal.register.models import PeriodMarkValue
from journal.roster.models import ClassMembership
from journal.structure.closing import year_must_be_open
from journal.structure.models import TeachingAssignment

DEPUTY_ROLES = frozenset({roles.DEPUTY, roles.DIRECTOR})


def _within_year(assignment: TeachingAssignment, day: dt.date, field: str) -> dict[str, list[str]]:
    year = assignment.year
    if not year.starts_on <= day <= year.ends_on:
        return {
            field: [
                f"Дата вне учебного года {year.title} "
                f"({year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y})."
            ]
        }
    return {}


@transaction.atomic
def control_work_schedule(
    *, assignment: TeachingAssignment, kind: str, planned_on: dt.date, topic: str = "", by: Any
) -> ControlWork:
    """The deputy puts a control, laboratory or practical work in the schedule (004 §6.3)."""
    require_roles(scope_for(by), DEPUTY_ROLES, "График работ согласует заместитель директора.")
    year_must_be_open(assignment.year_id)
    errors = _within_year(assignment, planned_on, "planned_on")
    if kind not in ControlWork.Kind.values:
        errors["kind"] = ["Вид работы: контрольная, лабораторная, практическая."]
    elif ControlWork.objects.filter(
        assignment=assignment, planned_on=planned_on, kind=kind
    ).exists():
        errors["planned_on"] = ["Эта работа на эту дату уже в графике."]
    if errors:
        raise ValidationError(errors)
    return ControlWork.objects.create(
        assignment=assignment, kind=kind, planned_on=planned_on, topic=topic.strip(), agreed_by=by
    )


@transaction.atomic
def attestation_event_create(
    *, assignment: TeachingAssignment, form: str, held_on: dt.date, title: str = "", by: Any
) -> AttestationEvent:
    """The deputy schedules the intermediate attestation of a subject in a class (004 §6.8)."""
    require_roles(
        scope_for(by), DEPUTY_ROLES, "Промежуточную аттестацию назначает заместитель директора."
    )
    year_must_be_open(assignment.year_id)
    errors = _within_year(assignment, held_on, "held_on")
    if form not in AttestationEvent.Form.values:
        errors["form"] = ["Форма: контрольная работа, тестирование, зачёт, экзамен, проект."]
    elif AttestationEvent.objects.filter(
        assignment=assignment, held_on=held_on, form=form
    ).exists():
        errors["held_on"] = ["Такая аттестация на эту дату уже назначена."]
    if errors:
        raise ValidationError(errors)
    return AttestationEvent.objects.create(
        assignment=assignment, form=form, held_on=held_on, title=title.strip(), created_by=by
    )


@dataclass(frozen=True)
class ResultInput:
    pupil_id: int
    value: str


@transaction.atomic
def attestation_results_save(
    *, event: AttestationEvent, results: Sequence[ResultInput], by: Any
) -> list[AttestationResult]:
    """The teacher of the subject enters the attestation's results, all or nothing: not
    before the day it is held, a value of the scale or a special one (н/а, зач, незач,
    осв), only pupils on the class list that day, each once."""
    scope = scope_for(by)
    assignment = event.assignment
    if scope.is_pupil or assignment.pk not in scope.assignment_ids:
        raise deny("Результаты аттестации вносит учитель, ведущий предмет.")
    year_must_be_open(assignment.year_id, scope=scope)
    if timezone.localdate() < event.held_on:
        raise ApplicationError(
            f"Аттестация назначена на {event.held_on:%d.%m.%Y}: результаты вносятся после неё.",
            field_errors={"results": ["Аттестация ещё не проведена."]},
        )
    if not results:
        raise ValidationError({"results": ["Нет ни одного результата."]})
    allowed = [str(v) for v in current_rules().mark_scale] + list(PeriodMarkValue.SPECIAL)
    on_list = set(
        ClassMembership.objects.on(event.held_on)
        .filter(class_group_id=assignment.class_group_id)
        .values_list("pupil_id", flat=True)
    )
    done = set(AttestationResult.objects.filter(event=event).values_list("pupil_id", flat=True))
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, item in enumerate(results):
        problems = []
        if item.value not in allowed:
            problems.append(f"Недопустимое значение: {', '.join(allowed)}.")
        if item.pupil_id not in on_list:
            problems.append("Обучающегося нет в списке класса на дату аттестации.")
        elif item.pupil_id in done or item.pupil_id in seen:
            problems.append("Результат этого обучающегося уже внесён.")
        seen.add(item.pupil_id)
        if problems:
            errors[f"results[{index}]"] = problems
    if errors:
        raise ValidationError(errors)
    saved = AttestationResult.objects.bulk_create(
        AttestationResult(event=event, pupil_id=r.pupil_id, value=r.value, entered_by=by)
        for r in results
    )
    access_log(
        user=by,
        action="create",
        what="attestation.results",
        pupil_ids=[r.pupil_id for r in results],
        details={"event_id": event.pk},
    )
    return saved
