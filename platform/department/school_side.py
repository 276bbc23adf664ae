"""What the rollup asks of a school's records, registered by the journal.

The journal's apps build on the platform's, so this app does not import them: the
school-side app `journal.rollup` registers `compute` when Django starts (AppConfig.ready),
as `journal.identity` does for `identity.school_side`. `compute` runs inside one school's
schema and returns aggregates only (dataclasses of counts, no pupil ids or names).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

# The version of the counting rules (journal.reports.definitions as the rollups apply
# them): part of every rollup row's key. Raise it when the definitions change.
RULES_VERSION = 1


@dataclass(frozen=True)
class PeriodFigures:
    period_key: str
    period_title: str
    period_starts_on: dt.date
    period_ends_on: dt.date
    grade: int
    subject: str
    pupils: int
    n5: int
    n4: int
    n3: int
    n2: int
    not_attested: int
    exempt: int
    passed: int
    not_passed: int
    # Pupil × subject pairs with no period mark at all (among `not_attested`), and the last
    # day for the period's marks in the school: after it they are overdue (REP-2).
    missing: int = 0
    marks_close_on: dt.date | None = None


@dataclass(frozen=True)
class MonthFigures:
    month: dt.date
    grade: int
    pupils: int
    pupil_lessons: int
    ill: int
    excused: int
    unexcused: int
    late: int
    lessons: int
    lessons_with_topic: int
    lessons_with_homework: int
    lessons_with_marks: int
    pupils_signed_in: int
    parents: int
    parents_signed_in: int


@dataclass(frozen=True)
class SchoolFigures:
    rules_version: int
    periods: list[PeriodFigures]
    months: list[MonthFigures]


_registered: list[Callable[[], SchoolFigures]] = []


def register(compute: Callable[[], SchoolFigures]) -> None:
    _registered[:] = [compute]


def school_figures() -> SchoolFigures:
    """The current school's aggregates (call inside the school's schema)."""
    if not _registered:
        raise ImproperlyConfigured("journal.rollup is not installed: no school figures.")
    return _registered[0]()
