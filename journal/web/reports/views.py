"""The reports page (REP-1, REP-3, REP-5): the central forms a user may open, one report as
HTML with its PDF and XLSX downloads. Director and deputies: every report; a class teacher:
their class; a teacher: their subjects and classes (the selectors decide, 404 otherwise).
Pupils and parents: none. Every download is recorded and logged as an export (ROLE-4)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from journal.reports import selectors
from journal.reports.params import ParamsForm
from journal.reports.registry import PAPER_COPY
from journal.reports.render import cells
from journal.reports.services import CONTENT_TYPES, report_file_create
from journal.web.pages import TEACHERS, WHOLE_SCHOOL, school_page
from journal.web.reports.jobs import jobs_context

REPORT_READERS = WHOLE_SCHOOL | TEACHERS


@school_page(roles=REPORT_READERS)
def reports(request: HttpRequest) -> HttpResponse:
    entries = selectors.report_list(for_user=request.user)
    return render(
        request,
        "web/reports/index.html",
        {"entries": entries, "paper_copy": PAPER_COPY, **jobs_context(request)},
    )


def _query(request: HttpRequest, **extra: str) -> str:
    data = {k: v for k, v in request.GET.items() if v not in ("", None) and k != "format"}
    data.update(extra)
    return urlencode(data)


@school_page(roles=REPORT_READERS, deny=404)
def report(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("form", "")
    if not code:
        return redirect("web:reports")
    choices = selectors.param_choices(for_user=request.user)
    submitted = any(k != "form" for k in request.GET)
    if code == PAPER_COPY.code:
        form = ParamsForm(request.GET if submitted else None, form=PAPER_COPY, choices=choices)
        return render(
            request,
            "web/reports/report.html",
            {
                "definition": PAPER_COPY,
                "params_form": form,
                "ready": submitted and form.is_valid(),
                "formats": ["pdf"],
                "query": _query(request),
                "code": code,
            },
        )
    run = selectors.report_run(
        code=code, data=request.GET if submitted else {}, for_user=request.user
    )
    shown = ParamsForm(request.GET if submitted else None, form=run.form, choices=choices)
    if submitted:
        shown.is_valid()
    return render(
        request,
        "web/reports/report.html",
        {
            "definition": run.form,
            "params_form": shown,
            "table": run.table,
            **(cells(run.table) if run.table else {}),
            "ready": run.table is not None,
            "formats": ["pdf", "xlsx"],
            "query": _query(request),
            "code": code,
        },
    )


@school_page(roles=REPORT_READERS, deny=404)
def report_download(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("form", "")
    fmt = request.GET.get("format", "")
    if not code or fmt not in CONTENT_TYPES:
        raise Http404
    data = {k: v for k, v in request.GET.items() if k not in ("form", "format")}
    try:
        generated = report_file_create(code=code, data=data, fmt=fmt, by=request.user)
    except ValidationError:
        return redirect(f"{reverse('web:reports-view')}?{_query(request)}")
    response = HttpResponse(bytes(generated.content), content_type=CONTENT_TYPES[fmt])
    name = f"{code}-{generated.created_at:%Y%m%d}-{generated.sha256[:8]}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Report-SHA256"] = generated.sha256
    return response
