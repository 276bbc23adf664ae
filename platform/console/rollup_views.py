"""Operator console: the department's rollups per school (issue #13) -- how fresh, whether
the last one failed, and a refresh on demand. No figures here: those are the department's."""

from __future__ import annotations

from department.selectors import rollup_freshness
from department.services import rollup_request
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from console.views import operator_required
from core.errors import ApplicationError
from tenants.models import School


@require_safe
@operator_required
def rollups(request: HttpRequest) -> HttpResponse:
    return render(request, "console/rollups.html", {"schools": rollup_freshness()})


@require_POST
@operator_required
def rollup_refresh(request: HttpRequest, school_id: int) -> HttpResponse:
    school = get_object_or_404(School.objects.exclude(schema_name="public"), pk=school_id)
    try:
        rollup_request(school=school)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Пересчёт сводных показателей школы «{school.short_name}» запрошен."
        )
    return redirect("console:rollups")
