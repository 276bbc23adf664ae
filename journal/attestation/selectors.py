"""Reads of intermediate attestation and the control works schedule (YEAR-2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from journal.access import scope_for
from journal.attestation.models import AttestationEvent, AttestationResult, ControlWork
from journal.audit.services import access_log
from journal.register.models import Lesson
from journal.structure.models import ClassGroup, TeachingAssignment
from journal.structure.selectors import (
    exists_here_or_404,
    journal_years_or_404,
    readable_assignments_q,
)

# A work held within this many days of the scheduled date counts as held, moved.
MOVED_WITHIN_DAYS = 14


def _readable_assignments(for_user: Any) -> QuerySet[TeachingAssignment]:
    scope = scope_for(for_user)
    if not scope.is_staff:
        return TeachingAssignment.objects.none()
    return TeachingAssignment.objects.filter(readable_assignments_q(scope))


def _filtered_assignments(
    for_user: Any, assignment_id: int | None, class_group_id: int | None, year_id: int | None
) -> QuerySet[TeachingAssignment]:
    """The readable journals by journal, class and year; a journal, class or year that is
    not this school's (or a school with no year yet) is 404, not an empty list (TEN-3)."""
    years = journal_years_or_404(year_id)
    exists_here_or_404(TeachingAssignment, assignment_id)
    exists_here_or_404(ClassGroup, class_group_id)
    assignments = _readable_assignments(for_user)
    if assignment_id is not None:
        assignments = assignments.filter(pk=assignment_id)
    if class_group_id is not None:
        assignments = assignments.filter(class_group_id=class_group_id)
    if year_id is not None:
        assignments = assignments.filter(year__in=years)
    return assignments


@dataclass(frozen=True)
class ControlWorkLine:
    """A scheduled work with what happened, or a work held off the schedule."""

    work_id: int | None  # None: held but not in the schedule
    assignment_id: int
    journal: str  # «5А Математика»
    kind: str
    planned_on: dt.date | None
    topic: str
    status: str  # held | moved | missing | planned | unscheduled
    lesson_id: int | None
    held_on: dt.date | None


def control_work_check(
    *,
    for_user: Any,
    assignment_id: int | None = None,
    class_group_id: int | None = None,
    year_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[ControlWorkLine]:
    """The schedule of control, laboratory and practical works checked against the
    lessons held as such (004 §6.3): «held» on the date, «moved» (held within two weeks
    of it), «missing» (the date passed, nothing held), «planned» (still ahead), and works
    held but never scheduled («unscheduled»). The director and deputies see the school's,
    a teacher their journals, a class teacher their class's. Three queries."""
    assignments = _filtered_assignments(for_user, assignment_id, class_group_id, year_id)
    works = ControlWork.objects.filter(assignment__in=assignments).select_related(
        "assignment__subject", "assignment__class_group"
    )
    lessons = Lesson.objects.filter(
        assignment__in=assignments, kind__in=ControlWork.Kind.values
    ).select_related("assignment__subject", "assignment__class_group")
    if date_from:
        works = works.filter(planned_on__gte=date_from)
        lessons = lessons.filter(date__gte=date_from - dt.timedelta(days=MOVED_WITHIN_DAYS))
    if date_to:
        works = works.filter(planned_on__lte=date_to)
        lessons = lessons.filter(date__lte=date_to + dt.timedelta(days=MOVED_WITHIN_DAYS))
    works_list = list(works.order_by("planned_on", "id"))
    free: dict[tuple[int, str], list[Lesson]] = defaultdict(list)
    for lesson in lessons.order_by("date", "slot", "id"):
        free[(lesson.assignment_id, lesson.kind)].append(lesson)
    today = timezone.localdate()

    def journal(a: TeachingAssignment) -> str:
        return f"{a.class_group.title} {a.subject.title}"

    matched: dict[int, tuple[str, Lesson | None]] = {}
    # Exact dates first, so a moved work never takes a lesson another work was held on.
    for work in works_list:
        pool = free[(work.assignment_id, work.kind)]
        exact = next((x for x in pool if x.date == work.planned_on), None)
        if exact is not None:
            pool.remove(exact)
            matched[work.pk] = ("held", exact)
    for work in works_list:
        if work.pk in matched:
            continue
        pool = free[(work.assignment_id, work.kind)]
        near = [x for x in pool if abs((x.date - work.planned_on).days) <= MOVED_WITHIN_DAYS]
        if near:
            closest = min(near, key=lambda x: abs((x.date - work.planned_on).days))
            pool.remove(closest)
            matched[work.pk] = ("moved", closest)
        else:
            matched[work.pk] = ("missing" if work.planned_on < today else "planned", None)
    lines = []
    for work in works_list:
        status, held = matched[work.pk]
        lines.append(
            ControlWorkLine(
                work_id=work.pk,
                assignment_id=work.assignment_id,
                journal=journal(work.assignment),
                kind=work.kind,
                planned_on=work.planned_on,
                topic=work.topic,
                status=status,
                lesson_id=held.pk if held else None,
                held_on=held.date if held else None,
            )
        )
    for pool in free.values():
        for lesson in pool:
            if (date_from and lesson.date < date_from) or (date_to and lesson.date > date_to):
                continue
            lines.append(
                ControlWorkLine(
                    work_id=None,
                    assignment_id=lesson.assignment_id,
                    journal=journal(lesson.assignment),
                    kind=lesson.kind,
                    planned_on=None,
                    topic=lesson.work_topic or lesson.topic,
                    status="unscheduled",
                    lesson_id=lesson.pk,
                    held_on=lesson.date,
                )
            )
    lines.sort(key=lambda x: (x.planned_on or x.held_on or today, x.journal))
    return lines


def attestation_event_list(
    *,
    for_user: Any,
    assignment_id: int | None = None,
    class_group_id: int | None = None,
    year_id: int | None = None,
) -> QuerySet[AttestationEvent]:
    """Attestation events of the journals the user may read, with how many results."""
    assignments = _filtered_assignments(for_user, assignment_id, class_group_id, year_id)
    qs = AttestationEvent.objects.filter(assignment__in=assignments)
    return qs.select_related("assignment__subject", "assignment__class_group").annotate(
        result_count=Count("results")
    )


def attestation_event_get(
    *, event_id: int, for_user: Any
) -> tuple[AttestationEvent, list[AttestationResult]]:
    """One event with its results (staff who read the journal, else 404)."""
    event = (
        AttestationEvent.objects.filter(assignment__in=_readable_assignments(for_user), pk=event_id)
        .select_related("assignment__subject", "assignment__class_group", "assignment__year")
        .first()
    )
    if event is None:
        raise Http404
    results = list(
        AttestationResult.objects.filter(event=event)
        .select_related("pupil__user")
        .order_by("pupil__user__last_name", "pupil__user__first_name", "id")
    )
    access_log(
        user=for_user,
        action="read",
        what="attestation.results",
        pupil_ids=[r.pupil_id for r in results],
        details={"event_id": event.pk},
    )
    return event, results


def pupil_attestation_results(*, pupil_id: int, for_user: Any) -> list[AttestationResult]:
    """A pupil's attestation results for the diary (the pupil, a parent with consent,
    staff who see the pupil), every year (DIA-2, DIA-6)."""
    from journal.register.selectors import diary_pupil_q
    from journal.roster.models import Pupil

    scope = scope_for(for_user)
    if not Pupil.objects.filter(diary_pupil_q(scope), pk=pupil_id).exists():
        raise Http404
    results = list(
        AttestationResult.objects.filter(pupil_id=pupil_id)
        .select_related("event__assignment__subject", "event__assignment__year")
        .order_by("event__held_on", "id")
    )
    access_log(user=for_user, action="read", what="attestation.pupil_results", pupil_ids=[pupil_id])
    return results
