"""Bringing a school's lists in (SET-3, SET-4, SET-6): the template, the upload with a
preview of every row (what will be added, moved, completed, and each row's errors in
Russian), and the confirmation. Nothing is saved before the confirmation; the checked rows
wait server-side under a token (`RosterImport`), the confirmation saves them all or
nothing (`journal.roster.importing`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.forms import SERVICE_ERRORS, error_text
from journal.roster import importing
from journal.web.manage.roster_import.forms import RosterImportForm
from journal.web.pages import ROSTER_MANAGERS, school_page

TEMPLATE_NAME = "shablon-spiskov.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_TITLES = {"staff": "Сотрудники", "classes": "Классы", "pupils": "Ученики"}


def _summary(check: importing.ImportCheck) -> list[str]:
    lines = []
    for kind, per in check.counts().items():
        parts = [f"{importing.ACTIONS[a]} — {n}" for a, n in per.items()]
        lines.append(f"{KIND_TITLES[kind]}: {', '.join(parts)}")
    return lines


@school_page(roles=ROSTER_MANAGERS, methods=("GET", "POST"))
def roster_import(request: HttpRequest) -> HttpResponse:
    form = RosterImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            check, token = importing.roster_import_prepare(
                content=upload.read(), filename=upload.name or "", by=request.user
            )
            context.update(check=check, token=token, filename=upload.name, summary=_summary(check))
            status = 400 if check.error_count else 200
        else:
            status = 400
    return render(request, "web/manage/roster_import/roster_import.html", context, status=status)


@school_page(roles=ROSTER_MANAGERS)
def roster_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importing.roster_template(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}"'
    return response


@school_page(roles=ROSTER_MANAGERS, methods=("POST",))
def roster_import_confirm(request: HttpRequest) -> HttpResponse:
    pending = importing.roster_import_pending(
        token=str(request.POST.get("token", "")), for_user=request.user
    )
    if pending is None:
        raise Http404
    try:
        result = importing.roster_import_apply(pending=pending, by=request.user)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
        return redirect("web:manage-import")
    pupils = result.counts.get("pupils", {})
    messages.success(
        request,
        f"Списки загружены: новых учеников — {pupils.get('create', 0)}, "
        f"переведено — {pupils.get('move', 0)}, новых родителей — {result.guardians_created}, "
        f"связей с родителями — {result.links_created}, согласий — {result.consents_recorded}; "
        f"сотрудников — {result.counts.get('staff', {}).get('create', 0)}, "
        f"классов — {result.counts.get('classes', {}).get('create', 0)}.",
    )
    return redirect("web:manage-import")
