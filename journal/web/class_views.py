"""The class teacher's pupil and parent cards (issue #5): data, parents and their contacts,
consent (SET-5), who has signed in (DIA-4) and temporary pupil logins (SEC-2).

The class teacher of the pupil's class reads and acts; the director and deputies read only.
Every read of pupils' data here is written to the access log (ROLE-4).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import roles
from core.errors import ApplicationError
from journal.access import Scope, scope_for
from journal.audit.services import access_log
from journal.identity import selectors as identity_selectors
from journal.identity import services as identity_services
from journal.identity.models import TemporaryLogin
from journal.roster.models import Consent, Pupil
from journal.web import selectors
from journal.web.class_forms import TemporaryLoginForm
from journal.web.forms import apply_service_errors
from journal.web.views import _int_param, school_page


def _may_read(scope: Scope, class_group_id: int | None) -> bool:
    return scope.whole_school or (class_group_id is not None and class_group_id in scope.class_ids)


def _may_act(scope: Scope, class_group_id: int | None) -> bool:
    return class_group_id is not None and class_group_id in scope.class_ids and scope.is_staff


def _pupil_for(request: HttpRequest, pupil_id: int) -> tuple[Pupil, Scope]:
    """The pupil, if the user may read their card; 404 otherwise (nothing is revealed)."""
    scope = scope_for(request.user)
    if not scope.is_staff:
        raise PermissionDenied
    pupil = (
        Pupil.objects.select_related("user__participation", "class_group")
        .filter(pk=pupil_id)
        .first()
    )
    if pupil is None or not _may_read(scope, pupil.class_group_id):
        raise Http404
    return pupil, scope


def _login_status(record: TemporaryLogin, now: Any) -> str:
    if record.revoked_at is not None:
        return "отозван"
    if record.expires_at <= now:
        return "истёк"
    return "действует"


# ---------------------------------------------------------------- the class list


@school_page
def class_pupils(request: HttpRequest) -> HttpResponse:
    """The class: each pupil with parents, consent, sign-ins and a temporary login in force."""
    classes = selectors.led_classes(for_user=request.user)
    if not classes:
        if scope_for(request.user).has(roles.TEACHER):
            return render(request, "web/class/pupils.html", {"classes": [], "rows": []})
        raise PermissionDenied
    class_id = _int_param(request, "class")
    group = next((c for c in classes if c.pk == class_id), None) if class_id else classes[0]
    if group is None:
        raise Http404
    participation = identity_selectors.participation_for_class(
        class_group_id=group.pk, for_user=request.user
    )
    ids = [row.pupil_id for row in participation]
    with_consent = set(
        Consent.objects.filter(pupil_id__in=ids, revoked_on__isnull=True).values_list(
            "pupil_id", flat=True
        )
    )
    with_login = set(
        TemporaryLogin.objects.filter(
            pupil_id__in=ids, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).values_list("pupil_id", flat=True)
    )
    rows = [
        {
            "p": row,
            "consent": row.pupil_id in with_consent,
            "temporary_login": row.pupil_id in with_login,
        }
        for row in participation
    ]
    access_log(
        user=request.user,
        action="read",
        what="web.class_pupils",
        pupil_ids=ids,
        details={"class_group_id": group.pk},
    )
    return render(
        request,
        "web/class/pupils.html",
        {
            "classes": classes,
            "group": group,
            "rows": rows,
            "can_act": _may_act(scope_for(request.user), group.pk),
        },
    )


# ---------------------------------------------------------------- one pupil's card


def _card(
    request: HttpRequest,
    pupil: Pupil,
    scope: Scope,
    *,
    form: TemporaryLoginForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    links = list(
        pupil.guardian_links.select_related("guardian__user__participation").order_by(
            "guardian__user__last_name", "id"
        )
    )
    consents = list(
        pupil.consents.select_related("guardian__user", "recorded_by").order_by("-signed_on", "-id")
    )
    logins = [
        {"record": r, "status": _login_status(r, now)}
        for r in TemporaryLogin.objects.filter(pupil=pupil)
        .select_related("issued_by", "revoked_by")
        .order_by("-issued_at", "-id")
    ]
    access_log(
        user=request.user,
        action="read",
        what="web.pupil_card",
        pupil_ids=[pupil.pk],
        details={"class_group_id": pupil.class_group_id},
    )
    can_act = _may_act(scope, pupil.class_group_id)
    response = render(
        request,
        "web/class/pupil_card.html",
        {
            "pupil": pupil,
            "participation": getattr(pupil.user, "participation", None),
            "links": [
                {"link": link, "participation": getattr(link.guardian.user, "participation", None)}
                for link in links
            ],
            "consents": consents,
            "consent_in_force": any(c.revoked_on is None for c in consents),
            "logins": logins,
            "can_act": can_act,
            "form": form if form is not None else (TemporaryLoginForm() if can_act else None),
        },
        status=status,
    )
    return response


@school_page
def pupil_card(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil, scope = _pupil_for(request, pupil_id)
    return _card(request, pupil, scope)


@require_POST
@school_page
def temporary_login_issue(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Issue a temporary login on a written request; the password is shown once."""
    pupil, scope = _pupil_for(request, pupil_id)
    if not _may_act(scope, pupil.class_group_id):
        raise PermissionDenied
    form = TemporaryLoginForm(request.POST)
    if form.is_valid():
        try:
            record, username, password = identity_services.temporary_login_issue(
                pupil=pupil,
                request_reason=form.cleaned_data["request_reason"],
                request_date=form.cleaned_data["request_date"],
                valid_days=form.cleaned_data["valid_days"],
                by=request.user,
            )
        except (ValidationError, ApplicationError) as exc:
            apply_service_errors(form, exc)
        else:
            response = render(
                request,
                "web/class/temporary_login_issued.html",
                {"pupil": pupil, "record": record, "username": username, "password": password},
            )
            response["Cache-Control"] = "no-store"
            return response
    return _card(request, pupil, scope, form=form, status=400)


@require_POST
@school_page
def temporary_login_revoke(request: HttpRequest, temporary_login_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_staff:
        raise PermissionDenied
    record = (
        TemporaryLogin.objects.select_related("pupil__user").filter(pk=temporary_login_id).first()
    )
    if record is None or not _may_read(scope, record.pupil.class_group_id):
        raise Http404
    if not _may_act(scope, record.pupil.class_group_id):
        raise PermissionDenied
    identity_services.temporary_login_revoke(temporary_login=record, by=request.user)
    messages.success(request, f"Временный логин {record.pupil.user.full_name} отозван.")
    return redirect("web:pupil_card", pupil_id=record.pupil_id)
