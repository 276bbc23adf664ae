"""Operator console: regulation templates, their versions, publishing and adoption (TPL-1)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from catalog.models import RegulationTemplate, RegulationVersion
from console.template_forms import AdoptForm, VersionCreateForm, catalog_error_place
from console.views import operator_required
from core.errors import ApplicationError
from core.forms import apply_service_errors
from tenants.models import School
from tenants.selectors import school_list


def _published_versions() -> object:
    return (
        RegulationVersion.objects.filter(status=RegulationVersion.Status.PUBLISHED)
        .select_related("template")
        .order_by("template__code", "-number")
    )


def _adopt_form(data: object = None, initial: dict[str, object] | None = None) -> AdoptForm:
    return AdoptForm(
        data,
        initial=initial,
        versions=_published_versions(),
        schools=school_list().filter(status=School.Status.ACTIVE),
    )


@require_safe
@operator_required
def templates(request: HttpRequest) -> HttpResponse:
    """Templates with their versions (status, schools on each) and the adoption form."""
    items = list(
        catalog_selectors.regulation_template_list().prefetch_related(None).order_by("code")
    )
    versions = (
        RegulationVersion.objects.filter(template__in=items)
        .annotate(school_count=Count("adoptions"))
        .order_by("template_id", "number")
    )
    by_template: dict[int, list[RegulationVersion]] = {t.pk: [] for t in items}
    for version in versions:
        by_template[version.template_id].append(version)
    rows = [{"template": t, "versions": by_template[t.pk]} for t in items]
    return render(request, "console/templates.html", {"rows": rows, "adopt_form": _adopt_form()})


@require_http_methods(["GET", "HEAD", "POST"])
@operator_required
def version_create(request: HttpRequest, template_id: int) -> HttpResponse:
    """A new draft version based on the latest one: title, text, rules (JSON)."""
    template = get_object_or_404(RegulationTemplate, pk=template_id)
    base = template.versions.order_by("-number").first()
    initial = {"title": base.title, "text": base.text} if base else {}
    form = VersionCreateForm(
        request.POST or None, initial=initial, base_rules=base.rules if base else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = catalog_services.regulation_version_create(
                template=template,
                by=request.user,  # type: ignore[arg-type]
                title=data["title"],
                text=data["text"],
                rules=data["rules"],
            )
        except (ValidationError, ApplicationError) as exc:
            apply_service_errors(form, exc, locate=catalog_error_place)
        else:
            messages.success(
                request, f"Создан черновик редакции {version.number} «{template.title}»."
            )
            return redirect("console:templates")
    return render(
        request,
        "console/version_form.html",
        {"form": form, "template": template, "base": base},
        status=400 if form.errors else 200,
    )


@require_POST
@operator_required
def version_publish(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(RegulationVersion.objects.select_related("template"), pk=version_id)
    try:
        catalog_services.regulation_version_publish(version=version, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(
            request,
            "Редакция не опубликована: "
            + " ".join(f"{k}: {'; '.join(v)}" for k, v in exc.message_dict.items()),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Редакция {version.number} «{version.template.title}» опубликована."
        )
    return redirect("console:templates")


@require_http_methods(["GET", "HEAD", "POST"])
@operator_required
def adopt(request: HttpRequest) -> HttpResponse:
    """Adopt a published version for the selected schools: all of them or none."""
    initial: dict[str, object] = {}
    version_param = request.GET.get("version", "")
    if version_param.isdigit():
        initial["version"] = int(version_param)
    form = _adopt_form(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        chosen = list(form.cleaned_data["schools"])
        try:
            catalog_services.schools_adopt(
                schools=chosen,
                regulation_version=version,
                by=request.user,  # type: ignore[arg-type]
            )
        except (ValidationError, ApplicationError) as exc:
            apply_service_errors(form, exc, locate=catalog_error_place)
        else:
            names = ", ".join(s.short_name for s in chosen)
            messages.success(
                request,
                f"Редакция {version.number} «{version.template.title}» принята: {names}.",
            )
            return redirect("console:templates")
    return render(
        request, "console/adopt_form.html", {"form": form}, status=400 if form.errors else 200
    )
