"""Demo only: period marks for the current school's ended reporting periods (issue #13).

The demo journal has a few weeks of lesson marks; the department's dashboard counts period
marks, given when a period ends. For every ended period of the school's years, every class
of its grades (with marks) and every subject taught there, each pupil gets a period mark
drawn around their lesson marks' average, or from the school's own spread when they have
none; one in a hundred is «н/а». Idempotent: a mark that exists is kept. Run inside the
school's schema (`demo_seed` does, before the rollups).
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from catalog.selectors import current_rules
from core.tenancy import db
from journal.register.models import Mark, PeriodMark
from journal.roster.models import Pupil
from journal.structure.models import ClassGroup, ReportingPeriod, SubgroupMember, TeachingAssignment

SCALE = ["2", "3", "4", "5"]


def _value(rng: random.Random, average: float | None, bias: float) -> str:
    if rng.random() < 0.01:
        return "н/а"
    centre = average if average is not None else 3.6 + bias
    return str(min(5, max(2, round(rng.gauss(centre, 0.6)))))


@transaction.atomic
def period_marks_seed(*, seed: int = 2026) -> int:
    """Create the missing period marks of the ended periods; returns how many."""
    schema = db.schema_name
    rng = random.Random(f"{seed}:{schema}")  # noqa: S311 - demo data, reproducible
    bias = rng.uniform(-0.4, 0.5)  # each school its own spread, so the schools differ
    today = timezone.localdate()
    without_marks = set(current_rules().grades_without_marks)
    averages = {
        (pid, aid): float(avg)
        for pid, aid, avg in Mark.objects.values_list("pupil_id", "lesson__assignment_id")
        .annotate(avg=Avg("value"))
        .values_list("pupil_id", "lesson__assignment_id", "avg")
    }
    members: dict[int, set[int]] = defaultdict(set)
    for sg, pid in SubgroupMember.objects.values_list("subgroup_id", "pupil_id"):
        members[sg].add(pid)
    existing = set(
        PeriodMark.objects.filter(kind=PeriodMark.Kind.PERIOD).values_list(
            "pupil_id", "assignment_id", "period_id"
        )
    )
    new: list[PeriodMark] = []
    for period in ReportingPeriod.objects.filter(ends_on__lt=today).order_by("starts_on"):
        classes = ClassGroup.objects.filter(
            year_id=period.year_id, grade__gte=period.grade_from, grade__lte=period.grade_to
        ).exclude(grade__in=without_marks)
        for cls in classes:
            pupils = list(Pupil.objects.filter(class_group=cls).values_list("id", flat=True))
            for a in TeachingAssignment.objects.filter(class_group=cls).select_related("teacher"):
                who = [p for p in pupils if a.subgroup_id is None or p in members[a.subgroup_id]]
                for pid in who:
                    if (pid, a.pk, period.pk) in existing:
                        continue
                    new.append(
                        PeriodMark(
                            pupil_id=pid,
                            assignment=a,
                            period=period,
                            kind=PeriodMark.Kind.PERIOD,
                            value=_value(rng, averages.get((pid, a.pk)), bias),
                            entered_by_id=a.teacher.user_id,
                        )
                    )
    PeriodMark.objects.bulk_create(new, batch_size=5000)
    return len(new)


class Command(BaseCommand):
    help = "Demo: period marks for the ended reporting periods (idempotent)"

    def handle(self, *args: Any, **options: Any) -> None:
        made = period_marks_seed()
        self.stdout.write(f"отметок за периоды: {made}")
