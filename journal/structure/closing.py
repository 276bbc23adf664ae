"""The one check every write of the journal makes: the school year must be open (YEAR-1).

A closed year (one with a `yearend.YearClosing` row) is read-only. Register, structure,
roster, planning, attestation and control services call `year_must_be_open` after their
permission check, so a user without the right still gets 403/404 and one with it gets
this 409.

It lives in structure, beside the school year it asks about, and reads the closing through
the year's reverse relation (`AcademicYear.closing`), so every app can call it without
depending on the year-end app that builds on them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import ApplicationError
from journal.structure.models import AcademicYear, ClassGroup

if TYPE_CHECKING:
    from journal.access import Scope


class YearClosedError(ApplicationError):
    status_code = 409


def year_must_be_open(year_id: int | None, *, scope: Scope | None = None) -> None:
    """Refuse a write to a closed school year. One query; none when the acting user's
    `scope` (which carries the closed years) is given and the year is open."""
    if year_id is None:
        return
    if scope is not None and scope.user_id is not None and year_id not in scope.closed_year_ids:
        return
    closed = (
        AcademicYear.objects.filter(pk=year_id, closing__isnull=False)
        .values_list("title", "closing__order_number")
        .first()
    )
    if closed is not None:
        title, order_number = closed
        raise YearClosedError(
            f"Учебный год {title} закрыт (приказ № {order_number}): "
            "его записи доступны только для чтения."
        )


def class_year_must_be_open(class_group_id: int | None) -> None:
    """The same for a write about a class (its year is looked up: one more query)."""
    if class_group_id is not None:
        year_must_be_open(
            ClassGroup.objects.filter(pk=class_group_id).values_list("year_id", flat=True).first()
        )


def lesson_year_must_be_open(lesson_id: int) -> None:
    """The same for a write about a lesson's row (a mark, an attendance entry)."""
    year_must_be_open(
        AcademicYear.objects.filter(assignments__lessons__pk=lesson_id)
        .values_list("id", flat=True)
        .first()
    )
