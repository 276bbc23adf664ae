"""Reads of the teacher's period, year, exam and final marks pages (issue #10, MRK-3).

The journal's own selectors decide who reads what (`period_mark_sheet`, `year_mark_sheet`:
the journal's readers, else 404) and when marks open and close (the school order's
deadlines, the regulation's defaults); this module adds what the pages show around them:
the grade's periods, whether this user may type now, the state in words, and whether the
subject has an exam.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from journal.access import scope_for
from journal.attestation.models import AttestationEvent
from journal.register import selectors as reg_selectors
from journal.register.services import MarkDue
from journal.structure.models import ReportingPeriod
from journal.web.selectors import periods_for_grade

KIND_TITLES = {"year": "Годовые", "exam": "Экзаменационные", "final": "Итоговые"}


def state_text(state: str, due: MarkDue) -> str:
    """The state of a kind of marks in a sentence (the page and the refusals say the same)."""
    if state == "early":
        return f"Приём отметок откроется {due.opens_on:%d.%m.%Y}; срок — {due.due_on:%d.%m.%Y}."
    if state == "locked":
        return (
            f"Срок выставления отметок истёк {due.due_on:%d.%m.%Y} ({due.source}): "
            "отметки закрыты для ввода."
        )
    return f"Отметки принимаются до {due.due_on:%d.%m.%Y} включительно ({due.source})."


@dataclass(frozen=True)
class PeriodPage:
    sheet: reg_selectors.PeriodSheet
    periods: list[ReportingPeriod]
    due: MarkDue
    state_text: str
    year_closed: bool
    editable: bool  # this user may type marks now (own assignment, the window open)
    missing: int  # pupils without a period mark yet


def period_page(*, assignment_id: int, period_id: int, for_user: Any) -> PeriodPage:
    """The «Итоговые отметки за период» page: the journal's period sheet (its readers, else
    404) with the grade's periods and whether this user may type now."""
    sheet = reg_selectors.period_mark_sheet(
        assignment_id=assignment_id, period_id=period_id, for_user=for_user
    )
    assignment = sheet.assignment
    periods = periods_for_grade(assignment.year_id, assignment.class_group.grade)
    due = MarkDue(sheet.opens_on, sheet.due_on, sheet.due_source)
    closed = assignment.year_id in scope_for(for_user).closed_year_ids
    return PeriodPage(
        sheet=sheet,
        periods=periods,
        due=due,
        state_text=state_text(sheet.state, due),
        year_closed=closed,
        editable=sheet.may_write and sheet.state == "open" and not closed,
        missing=sum(1 for r in sheet.rows if r.value is None),
    )


@dataclass(frozen=True)
class KindState:
    kind: str
    title: str
    due: MarkDue
    state: str
    text: str
    editable: bool


@dataclass(frozen=True)
class YearPage:
    sheet: reg_selectors.YearSheet
    kinds: dict[str, KindState]  # year / exam / final
    exam_applicable: bool
    year_closed: bool
    confirmable: list[int]  # pupils whose final mark the rule proposes and none is given


def exam_applicable(sheet: reg_selectors.YearSheet) -> bool:
    """The subject has an exam: exam marks were already given, or an exam of the
    intermediate attestation is on the schedule (004 §6.8). `sheet` comes from
    `year_mark_sheet`, which has checked that the user reads this journal. One query at most."""
    if any(r.exam is not None for r in sheet.rows):
        return True
    return AttestationEvent.objects.filter(
        assignment_id=sheet.assignment.pk, form=AttestationEvent.Form.EXAM
    ).exists()


def year_page(*, assignment_id: int, for_user: Any) -> YearPage:
    """The year sheet page: period marks of every period, year and exam marks to enter,
    the final marks the adopted rule proposes for the teacher to confirm (MRK-3)."""
    sheet = reg_selectors.year_mark_sheet(assignment_id=assignment_id, for_user=for_user)
    closed = sheet.assignment.year_id in scope_for(for_user).closed_year_ids
    kinds = {
        kind: KindState(
            kind=kind,
            title=KIND_TITLES[kind],
            due=due,
            state=sheet.state[kind],
            text=state_text(sheet.state[kind], due),
            editable=sheet.may_write and sheet.state[kind] == "open" and not closed,
        )
        for kind, due in sheet.due.items()
    }
    exam = exam_applicable(sheet)
    return YearPage(
        sheet=sheet,
        kinds=kinds,
        exam_applicable=exam,
        year_closed=closed,
        confirmable=[r.pupil_id for r in sheet.rows if r.proposed_final and r.final is None],
    )
