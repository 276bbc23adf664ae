"""Operator console: FREE-1 results — the daily audit of each school and a check on demand."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST, require_safe
from django_tenants.utils import schema_context

from billing_free_check.engine import project_findings
from billing_free_check.selectors import latest_school_audits
from billing_free_check.services import school_audit_record
from console.views import operator_required
from tenants.selectors import school_list

SESSION_KEY = "console:platform-free-check"


@require_safe
@operator_required
def free_check(request: HttpRequest) -> HttpResponse:
    """The newest audit of every school with its findings, and the last check run here."""
    platform: dict[str, Any] | None = request.session.get(SESSION_KEY)
    if platform is not None:
        platform = {**platform, "ran_at": parse_datetime(platform["ran_at"])}
    audits = list(latest_school_audits())
    return render(
        request,
        "console/free_check.html",
        {
            "audits": audits,
            "failed": sum(1 for a in audits if not a.ok),
            "platform": platform,
        },
    )


@require_POST
@operator_required
def free_check_run(request: HttpRequest) -> HttpResponse:
    """Run the platform-wide checks now (what the system check and the CLI report)."""
    findings = [f.as_dict() for f in project_findings()]
    request.session[SESSION_KEY] = {
        "ran_at": timezone.now().isoformat(),
        "ok": not findings,
        "findings": findings,
    }
    if findings:
        messages.error(request, f"Проверка платформы: найдено нарушений — {len(findings)}.")
    else:
        messages.success(request, "Проверка платформы: платных сервисов не найдено.")
    return redirect("console:free-check")


@require_POST
@operator_required
def free_check_school_run(request: HttpRequest, school_id: int) -> HttpResponse:
    """Audit one school now (the nightly per-school check, run on demand), recorded like it."""
    school = get_object_or_404(school_list(), pk=school_id)
    with schema_context(school.schema_name):
        audit = school_audit_record()
    if audit.ok:
        messages.success(request, f"Школа «{school.short_name}»: платных сервисов не найдено.")
    else:
        messages.error(
            request, f"Школа «{school.short_name}»: найдено нарушений — {len(audit.findings)}."
        )
    return redirect("console:free-check")
