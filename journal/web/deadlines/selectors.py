"""Reads of the deadlines page (MRK-3): each period's deadline for period marks (per grade
band) and the year's for year, exam and final marks, as the regulation sets it and as the
school's order changed it. The year comes from `journal.web.manage.selectors.year_chosen`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from journal.access import scope_for
from journal.register import selectors as reg_selectors
from journal.register import services as reg_services
from journal.register.models import MarkDeadline, PeriodMark
from journal.structure.models import AcademicYear, ReportingPeriod, TeachingAssignment

KIND_TITLES = {
    PeriodMark.Kind.YEAR: "Годовые отметки",
    PeriodMark.Kind.EXAM: "Экзаменационные отметки",
    PeriodMark.Kind.FINAL: "Итоговые отметки",
}


@dataclass(frozen=True)
class DeadlineRow:
    key: str  # what the page posts back: "period-<id>" or the kind
    kind: str
    title: str
    period: ReportingPeriod | None
    default: reg_services.MarkDue  # the regulation's (or the period's own) date
    order: MarkDeadline | None  # the school's order, when one set the date
    in_force: reg_services.MarkDue


def deadline_rows(*, year: AcademicYear, for_user: Any) -> list[DeadlineRow]:
    """The year's deadlines: every reporting period (by grade band) for period marks, then
    year, exam and final marks; staff only (else 404). Four queries."""
    lines = reg_selectors.mark_deadline_list(year_id=year.pk, for_user=for_user)
    orders = reg_services.year_deadlines(year.pk)
    probe = TeachingAssignment(year=year)  # the deadline depends on the year and period only
    ends = [line.period.ends_on for line in lines if line.period is not None]
    last_end = max(ends, default=year.ends_on)
    rows = []
    for line in lines:
        period = line.period
        if period is not None:
            key = f"period-{period.pk}"
            title = f"{period.title} ({period.grade_from}–{period.grade_to} кл.)"
        else:
            key, title = line.kind, KIND_TITLES[line.kind]  # type: ignore[index]
        rows.append(
            DeadlineRow(
                key=key,
                kind=line.kind,
                title=title,
                period=period,
                default=reg_services.period_mark_due(
                    line.kind, probe, period, deadlines={}, last_period_end=last_end
                ),
                order=orders.get((line.kind, period.pk if period else None)),
                in_force=line.due,
            )
        )
    return rows


def year_is_closed(*, year: AcademicYear, for_user: Any) -> bool:
    """Whether the year was closed (YEAR-1): its deadlines are read-only."""
    return year.pk in scope_for(for_user).closed_year_ids
