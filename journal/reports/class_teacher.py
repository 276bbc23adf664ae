"""The class teacher's reports (REP-6, DIA-5) through the report engine:

- the class's progress and attendance summary for a period (preliminary from two weeks
  before its end, final from its last day; `journal.homeroom.selectors.class_summary`) as
  PDF and XLSX, the same table the page shows;
- the fortnightly progress report for every parent of the class: one page per pupil
  (`journal.reports.printouts.pupil_pages`) for the fourteen days up to a date, as a PDF
  to print or hand out.

Both are read by the class's class teacher and the heads (the selectors they call decide,
404 otherwise); every file is an export in the access log (ROLE-4).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404

from journal.audit.services import access_log
from journal.homeroom.selectors import ClassSummary, class_summary
from journal.reports.layout import AxisItem, FormDef, Result, build_table
from journal.reports.params import Params
from journal.reports.printouts import REPORT_TITLE, pupil_pages, pupil_pages_pdf
from journal.reports.render import pdf_document, xlsx_document
from journal.reports.services import heading, school_title
from journal.structure.models import ClassGroup, ReportingPeriod

FORTNIGHT_DAYS = 14  # 002 п.5 Кл.рук. в), 003 §5.1.3: at least every two weeks

CLASS_SUMMARY = FormDef(
    code="class-progress-attendance",
    version=0,
    title="Сводка успеваемости и посещаемости класса",
    requirement="REP-6",
    parameters=[
        {"name": "class_group", "title": "Класс", "type": "class_group"},
        {"name": "period", "title": "Учебный период", "type": "period"},
    ],
    columns=[
        {"key": "pupil", "title": "Обучающийся", "type": "string"},
        {"key": "average", "title": "Средний балл", "type": "decimal", "repeat": "subject"},
        {"key": "low_marks", "title": "«2»", "type": "integer"},
        {"key": "with_reason", "title": "Пропуски по уважительной причине", "type": "integer"},
        {"key": "without_reason", "title": "Без уважительной причины", "type": "integer"},
        {"key": "late", "title": "Опоздания", "type": "integer"},
    ],
)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def summary_result(summary: ClassSummary) -> Result:
    subjects = [AxisItem(i, title) for i, title in enumerate(summary.subjects)]
    rows = [
        {
            "pupil": r.name,
            "average": {i: c.average for i, c in enumerate(r.cells)},
            "low_marks": r.low_marks,
            "with_reason": r.with_reason,
            "without_reason": r.without_reason,
            "late": r.late,
        }
        for r in summary.rows
    ]
    period = summary.period
    return Result(
        rows=rows,
        axes={"subject": subjects},
        caption=[
            f"{summary.title}: класс {summary.group.title}, {period.title} "
            f"({period.starts_on:%d.%m.%Y} – {period.ends_on:%d.%m.%Y}), "
            f"на {summary.on:%d.%m.%Y}"
        ],
        pupil_ids=[r.pupil_id for r in summary.rows],
    )


def class_summary_file(
    *, group: ClassGroup, period: ReportingPeriod, on: dt.date, fmt: str, for_user: Any
) -> bytes:
    """The summary the page shows, as PDF or XLSX (REP-6, REP-5); logged as an export."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    summary = class_summary(group=group, period=period, on=on, for_user=for_user)
    result = summary_result(summary)
    table = build_table(CLASS_SUMMARY, result)
    params = Params(
        class_group=group,
        period=period,
        stored=(("class_group", group.pk), ("period", period.pk)),
    )
    render = pdf_document if fmt == "pdf" else xlsx_document
    content = render(table, heading(CLASS_SUMMARY, params))
    access_log(
        user=for_user,
        action="export",
        what=f"reports.{CLASS_SUMMARY.code}",
        pupil_ids=result.pupil_ids,
        details={"format": fmt, "period": period.pk, "stage": summary.stage},
    )
    return content


def parent_reports_pdf(*, group: ClassGroup, on: dt.date, for_user: Any) -> bytes:
    """DIA-5: the fourteen days up to `on`, one page per pupil of the class."""
    from journal.access import scope_for

    scope = scope_for(for_user)
    if not (scope.whole_school or group.pk in scope.class_ids):
        raise Http404
    start = on - dt.timedelta(days=FORTNIGHT_DAYS - 1)
    pages = pupil_pages(class_group=group, starts_on=start, ends_on=on, title=REPORT_TITLE)
    content = pupil_pages_pdf(pages, school=school_title())
    access_log(
        user=for_user,
        action="export",
        what="reports.parent-fortnight-report",
        pupil_ids=[p.pupil_id for p in pages.pages],
        details={"from": start.isoformat(), "to": on.isoformat()},
    )
    return content
