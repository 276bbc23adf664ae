"""Writes of the remarks workflow (CTL-1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import roles
from catalog.rules import Rules
from catalog.selectors import current_rules
from core.errors import ApplicationError
from journal.access import deny, require_roles, scope_for
from journal.control.models import Remark
from journal.register.models import Lesson
from journal.structure.closing import year_must_be_open
from journal.structure.models import TeachingAssignment

# 004 §8.6: remarks are mended weekly, no later than seven days after they are made.
DEFAULT_MEND_DAYS = 7


def mend_days(rules: Rules) -> int:
    """Days the teacher has to mend a remark: the regulation's `remark_mend_days` if it
    names one, else its window for mending errors (`correction.window_days`, 004 §8.6)."""
    days: Any = getattr(rules, "remark_mend_days", None)
    if days is None:
        days = getattr(rules.correction, "window_days", DEFAULT_MEND_DAYS)
    return int(days)


@transaction.atomic
def remark_create(
    *, assignment: TeachingAssignment, text: str, lesson: Lesson | None = None, by: Any
) -> Remark:
    """The deputy (or the director) records a remark on a journal, optionally on one lesson;
    the teacher must mend it within the regulation's days (CTL-1, 003 §6.4)."""
    require_roles(
        scope_for(by),
        {roles.DEPUTY, roles.DIRECTOR},
        "Замечания по ведению журнала записывает заместитель директора.",
    )
    year_must_be_open(assignment.year_id)
    errors: dict[str, list[str]] = {}
    if not (text or "").strip():
        errors["text"] = ["Опишите замечание."]
    if lesson is not None and lesson.assignment_id != assignment.pk:
        errors["lesson_id"] = ["Урок не относится к этому журналу."]
    if errors:
        raise ValidationError(errors)
    days = mend_days(current_rules())
    return Remark.objects.create(
        assignment=assignment,
        lesson=lesson,
        text=text.strip(),
        written_by=by,
        due_on=timezone.localdate() + dt.timedelta(days=days),
    )


@transaction.atomic
def remark_mend(*, remark: Remark, note: str, by: Any) -> Remark:
    """The teacher of the journal marks the remark mended, saying what was done (CTL-1).
    Late mending is accepted and shown as late; a remark is mended once."""
    scope = scope_for(by)
    if scope.is_pupil or remark.assignment_id not in scope.assignment_ids:
        raise deny("Замечание устраняет учитель, ведущий журнал.")
    remark = Remark.objects.select_for_update().select_related("assignment").get(pk=remark.pk)
    year_must_be_open(remark.assignment.year_id, scope=scope)
    if remark.mended_at is not None:
        raise ApplicationError(
            f"Замечание уже отмечено устранённым {timezone.localtime(remark.mended_at):%d.%m.%Y}.",
            field_errors={"note": ["Замечание уже устранено."]},
        )
    if not (note or "").strip():
        raise ValidationError({"note": ["Напишите, что исправлено."]})
    remark.mended_at = timezone.now()
    remark.mended_by = by
    remark.mend_note = note.strip()
    remark.save(update_fields=["mended_at", "mended_by", "mend_note"])
    return remark
