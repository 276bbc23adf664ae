"""A school's rollup refreshes when a reporting period closes (issue #13, STAT-1).

A period's figures enter the rollups once it has ended, and are final once its period
marks are closed (the day after the last day for them: the school order's deadline, else
the period's own, else the regulation's default -- `register.services.period_marks_close_on`).
Every morning a per-school task looks at the day before: if a period ended or closed then,
the school's rollup is enqueued through the outbox under a key of that day, so a second run
of the check (or a redelivered task) enqueues nothing more. Closing the school year does the
same in the closing transaction (`journal.yearend.services.year_close`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from journal.register.models import MarkDeadline, PeriodMark
from journal.register.services import period_marks_close_on
from journal.structure.models import ReportingPeriod

# Periods whose marks may still be closing: an order's deadline is weeks after the end.
LOOK_BACK = dt.timedelta(days=120)


def periods_closing_on(day: dt.date) -> list[ReportingPeriod]:
    """The school's periods that ended on `day` or whose period marks closed then. Two
    queries."""
    periods = list(
        ReportingPeriod.objects.filter(ends_on__lte=day, ends_on__gte=day - LOOK_BACK).order_by(
            "pk"
        )
    )
    deadlines = {
        (d.kind, d.period_id): d
        for d in MarkDeadline.objects.filter(
            kind=PeriodMark.Kind.PERIOD, period__in=[p.pk for p in periods]
        )
    }
    return [
        p
        for p in periods
        if p.ends_on == day or period_marks_close_on(p, deadlines=deadlines) == day
    ]


@transaction.atomic
def rollup_at_period_close(*, today: dt.date) -> list[ReportingPeriod]:
    """Enqueue this school's rollup if a period ended or closed yesterday (once a day)."""
    from department.services import rollup_enqueue

    day = today - dt.timedelta(days=1)
    closing = periods_closing_on(day)
    if closing:
        rollup_enqueue(key=f"department.rollup:periods-closed:{day.isoformat()}")
    return closing
