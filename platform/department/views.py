"""The department's dashboard on the public host (issue #13, STAT-1): aggregates only.

Every page, export and chart series is the department's: anyone else who is signed in
gets 404 (the operator too: the console shows the rollups' freshness, not the figures);
on a school's host these routes do not exist at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.roles import DEPARTMENT, has_role
from department import selectors as s


def department_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_role(request.user, DEPARTMENT):
            raise Http404
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def filters_from(request: HttpRequest) -> s.Filters:
    """The filters in the query string; unknown values are ignored, never an error."""
    q = request.GET
    periods = s.period_list()
    period = next(
        (p for p in periods if p.key == q.get("period")), periods[-1] if periods else None
    )
    group = tuple(g for g in q.getlist("group") if g in s.GROUPS) or ("school",)
    grade = _int(q.get("grade"))
    return s.Filters(
        period=period,
        school_id=_int(q.get("school")),
        grade=grade if grade and 1 <= grade <= 11 else None,
        subject=(q.get("subject") or "").strip()[:200] or None,
        group=group,
        sort=(q.get("sort") or "")[:40],
        kind="months" if q.get("kind") == "months" else "marks",
    )


def _choices(filters: s.Filters) -> dict[str, Any]:
    return {
        "periods": s.period_list(),
        "schools": s.filter_schools(),
        "grades": range(1, 12),
        "subjects": s.filter_subjects(),
        "groups": [("school", "школам"), ("grade", "параллелям"), ("subject", "предметам")],
        "filters": filters,
    }


@require_safe
@department_page
def overview(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request)
    context = s.department_overview(period=filters.period)
    return render(request, "department/overview.html", {**context, **_choices(filters)})


@require_safe
@department_page
def table(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request)
    data = s.department_table(filters=filters)
    return render(
        request,
        "department/table.html",
        {"table": data, "query": request.GET.urlencode(), **_choices(filters)},
    )


def _lines(data: s.Table) -> list[list[Any]]:
    head = [s.LABELS[g] for g in data.group] + [title for _key, title in data.columns]
    head.append("Данные на")
    lines: list[list[Any]] = [head]
    for row in [*data.rows, *([data.total] if data.total else [])]:
        labels = [
            row.labels.get(g, "Итого") if row is not data.total else "Итого" for g in data.group
        ]
        if row.suppressed:
            values: list[Any] = [s.SUPPRESSED] * len(data.columns)
        else:
            values = [
                "" if row.figures.get(k) is None else row.figures[k] for k, _t in data.columns
            ]
        stamp = row.computed_at.strftime("%d.%m.%Y %H:%M") if row.computed_at else ""
        lines.append([*labels, *values, stamp])
    return lines


@require_safe
@department_page
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """What the table shows (same filters, same suppression), as CSV or XLSX."""
    data = s.department_table(filters=filters_from(request))
    lines = _lines(data)
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, delimiter=";").writerows(lines)
        response = HttpResponse(("\ufeff" + out.getvalue()).encode(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="department.csv"'
        return response
    if fmt != "xlsx":
        raise Http404
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Сводка"
    for line in lines:
        sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in line])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="department.xlsx"'
    return response


@require_safe
@department_page
def chart(request: HttpRequest, name: str) -> HttpResponse:
    if name not in ("trend", "schools", "distribution"):
        raise Http404
    data = s.chart_data(chart=name, filters=filters_from(request))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


# --- cross-school reports (central report forms, TPL-3) ----------------------------------


@require_safe
@department_page
def reports(request: HttpRequest) -> HttpResponse:
    from department.reports import department_forms

    return render(request, "department/reports.html", {"forms": department_forms()})


@require_safe
@department_page
def report(request: HttpRequest, code: str) -> HttpResponse:
    from department.reports import department_report, department_report_html

    run = department_report(code=code, data=request.GET)
    names = {p["name"] for p in run.form.parameters}
    filters = s.Filters(
        period=run.params.period if run.params else None,
        grade=run.params.grade if run.params else None,
        subject=run.params.subject if run.params else None,
    )
    context = {
        "form": run.form,
        "errors": run.errors,
        "table_html": department_report_html(run) if run.table else "",
        "query": request.GET.urlencode(),
        "has_grade": "grade" in names,
        "has_subject": "subject" in names,
        **_choices(filters),
    }
    return render(request, "department/report.html", context, status=400 if run.errors else 200)


@require_safe
@department_page
def report_file(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    from department.reports import department_report, department_report_file

    run = department_report(code=code, data=request.GET)
    if run.table is None:
        text = " ".join(m for messages in run.errors.values() for m in messages)
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    content = department_report_file(run, fmt)
    types = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{code}.{fmt}"'
    return response
