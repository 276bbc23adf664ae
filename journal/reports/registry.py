"""Which code computes which central report form (TPL-3): one selector per form code.

A code of the catalogue that is not here has no computation yet (the reports page lists
it as not available); a form here but not in the catalogue is not offered (the operator
defines the forms). The paper copy (REP-3) is a built-in layout with its own parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from journal.access import Scope
from journal.reports import attendance, journal_analysis, marks
from journal.reports.layout import FormDef, Result
from journal.reports.params import Params

# Who may open a report (ROLE-1), checked again by each selector on the objects:
SCHOOL = "school"  # the whole school: the director and deputies
CLASS = "class"  # a class: the heads, its class teacher, its teachers (their subjects)
CLASS_LEAD = "class_lead"  # a class: the heads and its class teacher


@dataclass(frozen=True)
class ReportSpec:
    code: str
    compute: Callable[[Params, Scope], Result]
    access: str
    formats: tuple[str, ...] = ("pdf", "xlsx")


REGISTRY: dict[str, ReportSpec] = {
    spec.code: spec
    for spec in (
        ReportSpec("class-period-results", marks.class_period_results, CLASS),
        ReportSpec("summary-progress-sheet", marks.summary_progress_sheet, CLASS),
        ReportSpec("pupil-final-data", marks.pupil_final_data, CLASS),
        ReportSpec("class-attendance-monthly", attendance.class_attendance_monthly, CLASS_LEAD),
        ReportSpec("summary-attendance-sheet", attendance.summary_attendance_sheet, CLASS_LEAD),
        ReportSpec("class-sizes", attendance.class_sizes, SCHOOL),
        ReportSpec("pupil-movement", attendance.pupil_movement, SCHOOL),
        # REP-2 (reports3): journal-keeping control and analysis, participation
        ReportSpec("journal-keeping-control", journal_analysis.journal_keeping_control, CLASS),
        ReportSpec("journal-keeping-analysis", journal_analysis.journal_keeping_analysis, CLASS),
        ReportSpec("participation", journal_analysis.participation, CLASS_LEAD),
    )
}

PAPER_COPY = FormDef(
    code="journal-paper-copy",
    version=0,
    title="Бумажная копия классного журнала",
    requirement="REP-3",
    parameters=[
        {"name": "class_group", "title": "Класс", "type": "class_group", "required": True},
        {"name": "period", "title": "Учебный период", "type": "period", "required": True},
        {"name": "subject", "title": "Предмет", "type": "subject", "required": False},
    ],
    columns=[],
)


def may_open(access: str, scope: Scope) -> bool:
    """Whether the user may open a report of this kind at all (the list of reports)."""
    if access == SCHOOL:
        return scope.whole_school
    if not scope.is_staff or scope.is_pupil:
        return False
    if access == CLASS_LEAD:
        return scope.whole_school or bool(scope.class_ids)
    return scope.whole_school or bool(scope.class_ids or scope.assignment_ids)
