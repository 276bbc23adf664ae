"""The class teacher's report pages (issue #12, branch reports3): the certificates export
with its consistency check (REP-4), the class summary's PDF/XLSX (REP-6), the fortnightly
report for every parent (DIA-5) and the printouts for parents who declined electronic
access (DIA-3). The class's class teacher and the heads; teachers of other classes meet
the selectors' 404; pupils and parents none (the session guard)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.forms import SERVICE_ERRORS, apply_service_errors
from journal.reports import certificates as cert
from journal.reports import class_teacher as reports
from journal.reports import printouts
from journal.web.pages import CLASS_READERS, choose, date_param, int_param, school_page
from journal.web.selectors import led_classes, period_chosen, periods_for_grade


def _empty(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "web/class_teacher/no_class.html", {"title": title})


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class CertificateExportForm(forms.Form):
    format = forms.ChoiceField(label="Формат", choices=[("xlsx", "XLSX"), ("csv", "CSV")])
    reason = forms.CharField(
        label="Причина выгрузки несмотря на ошибки",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@school_page(roles=CLASS_READERS, methods=("GET", "POST"), deny=404)
def certificates(request: HttpRequest) -> HttpResponse:
    """REP-4: the graduating class's final marks, the check's errors and the export."""
    classes = [c for c in led_classes(for_user=request.user) if c.grade in cert.GRADUATING_GRADES]
    group = choose(classes, int_param(request.GET, "class"))
    if group is None:
        return _empty(request, "Выгрузка для аттестатов")
    form = CertificateExportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            sheet, content = cert.certificate_export_create(
                class_group_id=group.pk,
                fmt=form.cleaned_data["format"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
            status = 400
        else:
            fmt = form.cleaned_data["format"]
            return _file(content, cert.CONTENT_TYPES[fmt], f"attestat-{group.pk}.{fmt}")
    elif request.method == "POST":
        status = 400
    sheet = cert.certificate_sheet(class_group_id=group.pk, for_user=request.user)
    table = sheet.table()
    return render(
        request,
        "web/class_reports/certificates.html",
        {
            "classes": classes,
            "group": group,
            "sheet": sheet,
            "table": table,
            "rows": table.text_rows(),
            "form": form,
        },
        status=status,
    )


@school_page(roles=CLASS_READERS, deny=404)
def class_summary_download(request: HttpRequest) -> HttpResponse:
    """REP-6: the class summary page's table as PDF or XLSX."""
    fmt = request.GET.get("format", "")
    if fmt not in reports.CONTENT_TYPES:
        raise Http404
    group = choose(led_classes(for_user=request.user), int_param(request.GET, "class"))
    if group is None:
        raise Http404
    periods = periods_for_grade(group.year_id, group.grade)
    period = period_chosen(periods, int_param(request.GET, "period"))
    if period is None:
        raise Http404
    content = reports.class_summary_file(
        group=group, period=period, on=timezone.localdate(), fmt=fmt, for_user=request.user
    )
    return _file(content, reports.CONTENT_TYPES[fmt], f"class-summary-{group.pk}.{fmt}")


@school_page(roles=CLASS_READERS, deny=404)
def class_parent_reports(request: HttpRequest) -> HttpResponse:
    """DIA-5: the fortnightly report for every parent of the class, a page per pupil."""
    classes = led_classes(for_user=request.user)
    group = choose(classes, int_param(request.GET, "class"))
    if group is None:
        return _empty(request, "Отчёт для родителей за две недели")
    on = date_param(request.GET, "on", timezone.localdate())
    content = reports.parent_reports_pdf(group=group, on=on, for_user=request.user)
    return _file(content, "application/pdf", f"parents-{group.pk}-{on:%Y%m%d}.pdf")


@school_page(roles=CLASS_READERS, deny=404)
def class_printouts(request: HttpRequest) -> HttpResponse:
    """DIA-3: the class's printouts for parents without electronic access."""
    classes = led_classes(for_user=request.user)
    group = choose(classes, int_param(request.GET, "class"))
    if group is None:
        return _empty(request, "Распечатки для родителей")
    rows = printouts.printout_list(class_group_id=group.pk, for_user=request.user)
    return render(
        request,
        "web/class_reports/printouts.html",
        {"classes": classes, "group": group, "printouts": rows, "today": timezone.localdate()},
    )


@school_page(roles=CLASS_READERS, deny=404)
def class_printout_download(request: HttpRequest, printout_id: int) -> HttpResponse:
    found = printouts.printout_get(printout_id=printout_id, for_user=request.user)
    return _file(
        bytes(found.content),
        "application/pdf",
        f"printout-{found.class_group_id}-{found.starts_on:%Y%m%d}.pdf",
    )
