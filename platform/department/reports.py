"""Cross-school reports from the rollups, as central report forms (TPL-3, REP-1, REP-2).

The forms live in the catalogue like the schools' (`catalog.ReportForm`, row kind
«school»): the published version decides the columns, their order and titles. This module
is the public-side entry point of the reports engine: it computes a `Result` from the
rollups (the same suppressed cells as the dashboard: a hidden school shows «скрыто» in
every figure) and hands it to the engine's layout (`build_table`) and renderers (HTML,
PDF, XLSX), which are not bound to a school's schema.

- `department-class-results` «Итоги успеваемости по школам муниципалитета» (REP-1): the
  class results of a period summed by school, for a grade and a subject if chosen.
- `department-journal-keeping` «Контроль ведения журнала по школам» (REP-2): the schools
  ranked by journal fill rate (lessons with a topic) in the period's months, with the
  lessons with homework and with marks, and the period marks still missing after the
  school's last day for them (overdue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone

from department import selectors as s
from department.models import PeriodRollup
from department.school_side import RULES_VERSION
from journal.reports.layout import FormDef, ReportTable, Result, build_table
from journal.reports.render import Heading, html_table, pdf_document, xlsx_document

CLASS_RESULTS = "department-class-results"
JOURNAL_KEEPING = "department-journal-keeping"
ROW_KIND = "school"  # the catalogue's row kind of the department's forms
HIDDEN = s.SUPPRESSED


@dataclass(frozen=True)
class ReportParams:
    period: s.Period
    grade: int | None = None
    subject: str | None = None

    def labels(self) -> list[tuple[str, str]]:
        found = [("Учебный период", self.period.label)]
        if self.grade:
            found.append(("Параллель", str(self.grade)))
        if self.subject:
            found.append(("Предмет", self.subject))
        return found


def report_params(data: Any, form: FormDef) -> tuple[ReportParams | None, dict[str, list[str]]]:
    """The parameters from a query string: (params, {}) or (None, Russian field errors).
    Only the parameters the form version names are read."""
    names = {p["name"] for p in form.parameters}
    errors: dict[str, list[str]] = {}
    periods = s.period_list()
    wanted = (data.get("period") or "").strip()
    period = next((p for p in periods if p.key == wanted), None)
    if not wanted:
        period = periods[-1] if periods else None
        if period is None:
            errors["period"] = ["Сводные показатели ещё не рассчитаны: нет учебных периодов."]
    elif period is None:
        errors["period"] = ["Нет такого учебного периода в сводных показателях."]
    grade: int | None = None
    raw_grade = (data.get("grade") or "").strip() if "grade" in names else ""
    if raw_grade:
        if not raw_grade.isdigit() or not 1 <= int(raw_grade) <= 11:
            errors["grade"] = ["Параллель — число от 1 до 11."]
        else:
            grade = int(raw_grade)
    subject = (data.get("subject") or "").strip()[:200] if "subject" in names else ""
    if errors or period is None:
        return None, errors
    return ReportParams(period, grade, subject or None), {}


def _stamp(at: dt.datetime | None) -> str:
    return f"{timezone.localtime(at):%d.%m.%Y %H:%M}" if at else ""


def _hidden_row(labels: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {**labels, **dict.fromkeys(keys, HIDDEN)}


CLASS_FIGURES = ["pupils", "n5", "n4", "n3", "n2", "not_attested", "success_rate",
                 "quality_rate", "average_mark"]  # fmt: skip


def class_results(params: ReportParams) -> Result:
    """REP-1 for the municipality: one row per school, the total in the footer."""
    table = s.department_table(
        filters=s.Filters(
            period=params.period,
            grade=params.grade,
            subject=params.subject,
            group=("school",),
        )
    )

    def line(row: s.Row, school: str) -> dict[str, Any]:
        labels = {"school": school, "computed_at": _stamp(row.computed_at)}
        if row.suppressed:
            return _hidden_row(labels, CLASS_FIGURES)
        return {**labels, **{k: row.figures.get(k) for k in CLASS_FIGURES}}

    rows = [line(r, r.labels["school"]) for r in table.rows]
    totals = [line(table.total, "Итого")] if table.total and table.rows else []
    stamps = [r.computed_at for r in [*table.rows] if r.computed_at]
    return Result(
        rows=rows,
        totals=totals,
        caption=[
            "По сводным показателям школ; группы меньше "
            f"{table.k} обучающихся скрыты (со взаимным скрытием)."
        ],
        data_at=max(stamps) if stamps else None,
    )


KEEPING_FIGURES = ["lessons", "topic_rate", "homework_rate", "marks_rate"]


def journal_keeping(params: ReportParams) -> Result:
    """REP-2 across schools: ranked by the fill rate; overdue period marks flagged."""
    months = s.department_table(
        filters=s.Filters(period=params.period, kind="months", group=("school",))
    )
    marks = s.department_table(filters=s.Filters(period=params.period, group=("school",)))
    missing = {r.labels["school"]: r for r in marks.rows}
    close_on: dict[int, dt.date] = {}
    for school_id, day in PeriodRollup.objects.filter(
        period_key=params.period.key, rules_version=RULES_VERSION, marks_close_on__isnull=False
    ).values_list("school_id", "marks_close_on"):
        if day is not None:
            close_on[school_id] = max(close_on.get(school_id, day), day)
    names = s.school_names()
    by_name = {name: pk for pk, name in names.items()}
    today = timezone.localdate()
    shown = sorted(
        (r for r in months.rows if not r.suppressed and r.figures.get("topic_rate") is not None),
        key=lambda r: (-r.figures["topic_rate"], r.labels["school"]),
    )
    rest = [r for r in months.rows if r not in shown]
    rows: list[dict[str, Any]] = []
    overdue = 0
    for rank, row in enumerate([*shown, *rest], start=1):
        school = row.labels["school"]
        labels = {"school": school, "computed_at": _stamp(row.computed_at)}
        line = (
            _hidden_row(labels, KEEPING_FIGURES)
            if row.suppressed
            else {**labels, **{k: row.figures.get(k) for k in KEEPING_FIGURES}}
        )
        line["rank"] = rank if row in shown else None
        due = close_on.get(by_name.get(school, 0))
        line["marks_close_on"] = due
        mark_row = missing.get(school)
        if mark_row is None or mark_row.suppressed:
            line["missing"] = HIDDEN if mark_row is not None else None
            line["overdue"] = HIDDEN if mark_row is not None else None
        else:
            count = int(mark_row.figures.get("missing") or 0)
            late = bool(count and due and today > due)
            line["missing"], line["overdue"] = count, "да" if late else "нет"
            overdue += late
        rows.append(line)
    stamps = [r.computed_at for r in months.rows if r.computed_at]
    return Result(
        rows=rows,
        summary=[("Школ с просроченными отметками за период", overdue, "integer")],
        caption=[
            "Заполнение журнала — доля уроков с записанной темой за месяцы периода; "
            "просрочка — отметки за период не выставлены после последнего дня, "
            "установленного школой."
        ],
        data_at=max(stamps) if stamps else None,
    )


COMPUTE: dict[str, Callable[[ReportParams], Result]] = {
    CLASS_RESULTS: class_results,
    JOURNAL_KEEPING: journal_keeping,
}


def department_forms() -> list[FormDef]:
    """The department's central forms (latest versions) that have a computation here."""
    from catalog.selectors import report_form_list

    return [
        FormDef.of(row)
        for row in report_form_list().filter(row_kind=ROW_KIND)
        if row.code in COMPUTE
    ]


def department_form(code: str) -> FormDef:
    form = next((f for f in department_forms() if f.code == code), None)
    if form is None:
        raise Http404
    return form


@dataclass
class DepartmentReport:
    form: FormDef
    params: ReportParams | None
    errors: dict[str, list[str]]
    table: ReportTable | None


def department_report(*, code: str, data: Any) -> DepartmentReport:
    """The report for the query's parameters, or the parameters' Russian errors."""
    form = department_form(code)
    params, errors = report_params(data, form)
    if params is None:
        return DepartmentReport(form, None, errors, None)
    return DepartmentReport(form, params, {}, build_table(form, COMPUTE[code](params)))


def heading(params: ReportParams) -> Heading:
    return Heading(
        school="Управление образования",
        parameters=params.labels(),
        signatures=[("Начальник управления образования", ""), ("Ответственный за отчёт", "")],
    )


def department_report_html(report: DepartmentReport) -> str:
    assert report.table is not None
    return html_table(report.table)


def department_report_file(report: DepartmentReport, fmt: str) -> bytes:
    """The report as PDF or XLSX through the engine's renderers (reproducible bytes)."""
    assert report.table is not None and report.params is not None
    if fmt == "pdf":
        return pdf_document(report.table, heading(report.params))
    if fmt == "xlsx":
        return xlsx_document(report.table, heading(report.params))
    raise Http404
