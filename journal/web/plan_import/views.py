"""The КТП upload (PLAN-2): upload → preview with per-row errors → save. Nothing is saved
until the file passes every check (`thematic_plan_check`) and the user confirms; between
the two steps the checked file waits in the user's session."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.forms import SERVICE_ERRORS, error_text
from journal.planning import services as planning
from journal.structure.models import TeachingAssignment
from journal.web.pages import STRUCTURE_MANAGERS, school_page
from journal.web.plan_import.forms import PlanImportForm
from journal.web.plan_import.selectors import plan_import_assignments

PREVIEW_KEY = "web:plan-import"


def plan_save(request: HttpRequest, by_id: dict[int, TeachingAssignment]) -> HttpResponse:
    """The confirmed second step: load the file checked in the first one."""
    stored = request.session.get(PREVIEW_KEY)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, "Загрузите файл ещё раз: проверка устарела.")
        return redirect("web:plan-import")
    assignment = by_id.get(stored["assignment"])
    if assignment is None:
        raise Http404
    content = base64.b64decode(stored["content"])
    try:
        rows = planning.parse_plan_file(content=content, filename=stored["filename"])
        planning.thematic_plan_import(assignment=assignment, rows=rows, by=request.user)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
        return redirect("web:plan-import")
    del request.session[PREVIEW_KEY]
    messages.success(request, f"КТП загружено: {len(rows)} тем, {sum(r.hours for r in rows)} ч.")
    return redirect("web:plan-import")


def plan_preview(
    request: HttpRequest, assignment: TeachingAssignment, upload: Any
) -> tuple[dict[str, Any], int]:
    """The first step: check the file, keep it in the session when it passed."""
    content = upload.read()
    filename = upload.name or ""
    check = planning.thematic_plan_check(
        assignment=assignment, content=content, filename=filename, by=request.user
    )
    token = base64.urlsafe_b64encode(timezone.now().isoformat().encode()).decode()
    if check.error_count:
        request.session.pop(PREVIEW_KEY, None)
    else:
        request.session[PREVIEW_KEY] = {
            "token": token,
            "assignment": assignment.pk,
            "filename": filename,
            "content": base64.b64encode(content).decode(),
        }
    context = {
        "preview": [
            {"line": n, "cells": cells, "errors": check.row_errors.get(n, [])}
            for n, cells in check.preview
        ],
        "error_count": check.error_count,
        "file_errors": check.file_errors,
        "row_errors": check.row_errors,
        "topics": len(check.rows),
        "token": token,
        "assignment": assignment,
        "filename": filename,
    }
    return context, 400 if check.error_count else 200


@school_page(roles=STRUCTURE_MANAGERS, methods=("GET", "POST"))
def plan_import(request: HttpRequest) -> HttpResponse:
    assignments = plan_import_assignments(for_user=request.user)
    by_id = {a.pk: a for a in assignments}
    if request.method == "POST" and request.POST.get("step") == "save":
        return plan_save(request, by_id)
    context: dict[str, Any] = {}
    status = 200
    form = PlanImportForm(request.POST or None, request.FILES or None, assignments=assignments)
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["assignment"] not in by_id:
            form.add_error("assignment", "Выберите нагрузку из списка.")
        if form.is_valid():
            context, status = plan_preview(
                request, by_id[form.cleaned_data["assignment"]], form.cleaned_data["file"]
            )
        else:
            status = 400
    context.update(form=form, has_assignments=bool(assignments))
    return render(request, "web/plan_import/plan_import.html", context, status=status)
