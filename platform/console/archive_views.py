"""Operator console: every school's archive (ARC-1…4) and the retention confirmations (ARC-2).

The operator sees counts, states, tree heads and which packages are due, never a pupil's
data; deleting what is due needs the operator's explicit confirmation of each package.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django_tenants.utils import schema_context

from console.views import operator_required
from core.errors import ApplicationError
from tenants.models import School
from tenants.recycling import each_school
from tenants.selectors import school_list


@require_safe
@operator_required
def archive(request: HttpRequest) -> HttpResponse:
    from archive_heads.services import latest_published_heads
    from backups.services import cluster_backups, last_runs
    from journal.archive.selectors import archive_summary

    today = timezone.localdate()
    runs = last_runs()
    heads = latest_published_heads()
    schools = list(school_list())
    summaries = {}
    for schema in each_school([s.schema_name for s in schools]):  # recycled every K (#17)
        summaries[schema] = archive_summary(on=today)
    rows = [
        {
            "school": school,
            "summary": summaries[school.schema_name],
            "published": heads.get(school.schema_name),
            "export": runs.get(school.schema_name),
        }
        for school in schools
    ]
    context = {
        "rows": rows,
        # Schools with packages bad in both copies (ARC-3): the alert above the table.
        "broken": [
            row
            for school, row in zip(schools, rows, strict=True)
            if summaries[school.schema_name].broken
        ],
        "today": today,
        "drill": runs["drill"],
        "cluster_backups": cluster_backups(),
    }
    return render(request, "console/archive.html", context)


@require_POST
@operator_required
def archive_delete(request: HttpRequest, school_id: int, package_id: int) -> HttpResponse:
    from journal.archive.models import ArchivePackage
    from journal.archive.services import retention_delete

    school = get_object_or_404(School, pk=school_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Удаление не подтверждено.")
        return redirect("console:archive")
    with schema_context(school.schema_name):
        package = get_object_or_404(ArchivePackage, pk=package_id)
        try:
            retention_delete(
                package=package, on=timezone.localdate(), confirmed_by=request.user.get_username()
            )
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Удалено по сроку хранения: {package.key}")
    return redirect("console:archive")
