"""Paper copies at a period's close, by the adopted cadence (REP-3, TPL-1; 002 п.4).

The regulation names, per grade band, after which kind of period the class journals are
printed for signature and seal (`Rules.paper_copy_cadence`: quarters in 2–9, half-years
in 10–11 by default). Every morning a per-school task looks at the day before: the classes
whose cadence period ended then (`structure.selectors.paper_copies_due`) get their paper
copies prepared by one background job per period, listed for the deputy on the reports
page. Run once per day and school: a second run finds the job made and makes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model

from accounts import roles
from journal.reports.jobs import report_job_start
from journal.reports.models import ReportJob
from journal.structure.models import ClassGroup, ReportingPeriod


def _head() -> Any:
    """Whose scope prepares the copies: the director, else a deputy (the heads print every
    class, 000 §3.10); None when the school has neither yet."""
    users = get_user_model().objects.filter(is_active=True)
    for role in (roles.DIRECTOR, roles.DEPUTY):
        head = users.filter(groups__name=role).order_by("id").first()
        if head is not None:
            return head
    return None


def _period_for(group: ClassGroup, kind: str, ends_on: dt.date, periods: list[Any]) -> Any:
    """The school's period of the class's grade ending on the day: of the cadence's kind
    if the school keeps it, else whichever of the grade's periods ends then."""
    fitting = [
        p for p in periods if p.grade_from <= group.grade <= p.grade_to and p.ends_on == ends_on
    ]
    return next((p for p in fitting if p.kind == kind), fitting[0] if fitting else None)


def paper_copies_at_period_close(*, today: dt.date) -> list[ReportJob]:
    """Prepare the paper copies of the classes whose cadence period ended yesterday."""
    from journal.structure.selectors import paper_copies_due

    head = _head()
    if head is None:
        return []
    ended = today - dt.timedelta(days=1)
    due = paper_copies_due(on=ended, for_user=head)
    if not due:
        return []
    periods = list(ReportingPeriod.objects.filter(ends_on=ended).select_related("year"))
    by_period: dict[int, list[ClassGroup]] = defaultdict(list)
    period_of: dict[int, Any] = {}
    for item in due:
        period = _period_for(item.class_group, item.period_kind, ended, periods)
        if period is None:  # no school period ends then (the operator's calendar only)
            continue
        by_period[period.pk].append(item.class_group)
        period_of[period.pk] = period
    jobs = []
    for pk, classes in sorted(by_period.items()):
        job, _ = report_job_start(
            kind=ReportJob.Kind.PAPER_COPIES,
            by=head,
            period=period_of[pk],
            class_groups=classes,
            reason=ReportJob.Reason.CADENCE,
            once=True,
        )
        jobs.append(job)
    return jobs
