"""Operator console (public host): schools and their lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.roles import OPERATOR, has_role
from catalog.selectors import school_adoption_list
from console.forms import SchoolCreateForm
from core.errors import ApplicationError
from core.forms import SERVICE_ERRORS, apply_service_errors
from tenants import services
from tenants.selectors import school_list


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_role(request.user, OPERATOR):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
@operator_required
def schools(request: HttpRequest) -> HttpResponse:
    """Every school with its host, status and adopted regulation version."""
    return render(request, "console/schools.html", {"schools": school_adoption_list()})


@require_http_methods(["GET", "HEAD", "POST"])
@operator_required
def school_create(request: HttpRequest) -> HttpResponse:
    form = SchoolCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.school_create(**form.cleaned_data)
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            port = request.get_port()
            suffix = "" if port in ("80", "443") else f":{port}"
            scheme = "https" if request.is_secure() else "http"
            response = render(
                request,
                "console/school_created.html",
                {
                    "created": created,
                    "url": f"{scheme}://{created.domain}{suffix}/",
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request, "console/school_form.html", {"form": form}, status=400 if form.errors else 200
    )


STATUS_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "suspend": (services.school_suspend, "Работа школы «{}» приостановлена."),
    "resume": (services.school_resume, "Работа школы «{}» возобновлена."),
    "archive": (services.school_archive, "Школа «{}» отправлена в архив."),
}


# Suspending and archiving stop a whole school's journal: the operator confirms on a page
# that names the school by typing its address (slug); resuming needs no confirmation.
CONFIRMED_ACTIONS = {
    "suspend": (
        "Приостановить работу школы",
        "Журнал школы перестанет открываться для всех её пользователей: учителей, учеников и "
        "родителей. Данные сохранятся; работу можно возобновить.",
    ),
    "archive": (
        "Отправить школу в архив",
        "Работа журнала школы будет завершена, данные перейдут в архив. Возобновить работу "
        "школы после этого нельзя.",
    ),
}


@require_http_methods(["GET", "POST"])
@operator_required
def school_status(request: HttpRequest, school_id: int, action: str) -> HttpResponse:
    school = get_object_or_404(school_list(), pk=school_id)
    if action not in STATUS_ACTIONS:
        raise Http404
    if action in CONFIRMED_ACTIONS:
        typed = request.POST.get("confirm", "").strip()
        if request.method == "GET" or typed != school.slug:
            error = "" if request.method == "GET" else f"Введите адрес школы: {school.slug}."
            title, warning = CONFIRMED_ACTIONS[action]
            return render(
                request,
                "console/school_confirm.html",
                {
                    "school": school,
                    "action": action,
                    "title": title,
                    "warning": warning,
                    "error": error,
                },
                status=400 if error else 200,
            )
    elif request.method == "GET":
        return HttpResponseNotAllowed(["POST"])
    operation, message = STATUS_ACTIONS[action]
    try:
        operation(school=school)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message.format(school.short_name))
    return redirect("console:schools")
