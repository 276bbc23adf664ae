"""Programme coverage: planned vs given lessons and topics (PLAN-3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from journal.planning.models import ThematicPlanItem
from journal.register.models import Lesson
from journal.register.selectors import assignment_for_reading


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
