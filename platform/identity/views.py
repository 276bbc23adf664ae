"""The SSO portal on the public host (SEC-1): thin views over `identity.services`."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError
from core.hosts import site_url
from identity import services
from identity.oidc import PendingAuth, SsoError
from identity.selectors import school_host, schools_for_subject
from tenants.models import School

log = logging.getLogger(__name__)

SESSION_PENDING = "identity.pending"
SESSION_SUBJECT = "identity.subject"
SESSION_SUBJECT_AT = "identity.subject_at"
SESSION_NEXT = "identity.next"
# The portal remembers a Госуслуги sign-in for a short while only.
SUBJECT_MAX_AGE = 30 * 60
INVITATION_ATTEMPTS = 5


def _subject(request: HttpRequest) -> str | None:
    value = request.session.get(SESSION_SUBJECT)
    at = request.session.get(SESSION_SUBJECT_AT, 0)
    if not value or time.time() - float(at) > SUBJECT_MAX_AGE:
        return None
    return str(value)


def _refused(request: HttpRequest, error: ApplicationError, status: int = 403) -> HttpResponse:
    # The reason code goes to the log; nothing personal is in it.
    log.info("SSO refused: %s", error.extra.get("reason", "application_error"))
    return render(request, "identity/refused.html", {"message": error.message}, status=status)


@never_cache
@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    subject = _subject(request)
    schools: list[dict[str, Any]] = []
    if subject:
        for school in schools_for_subject(subject_hash=subject):
            host = school_host(school)
            if host:
                schools.append({"school": school, "url": site_url(request, host, "/sso/begin/")})
    return render(
        request,
        "identity/portal.html",
        {
            "signed_in": bool(subject),
            "schools": schools,
            "all_schools": School.objects.filter(status=School.Status.ACTIVE)
            .exclude(schema_name="public")
            .order_by("short_name")
            if subject
            else [],
        },
    )


@never_cache
@require_GET
def sso_login(request: HttpRequest) -> HttpResponse:
    purpose = (
        services.PURPOSE_LINK
        if request.GET.get("purpose") == services.PURPOSE_LINK
        else services.PURPOSE_SIGN_IN
    )
    try:
        url, pending = services.sso_start(
            redirect_uri=request.build_absolute_uri(reverse("identity:callback")),
            purpose=purpose,
        )
    except SsoError as error:
        return _refused(request, error, status=503)
    request.session[SESSION_PENDING] = pending.as_dict()
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    raw = request.session.pop(SESSION_PENDING, None)
    pending = PendingAuth.from_dict(raw) if isinstance(raw, dict) else None
    try:
        result = services.sso_complete(
            params=request.GET.dict(),
            pending=pending,
            redirect_uri=request.build_absolute_uri(reverse("identity:callback")),
        )
    except SsoError as error:
        return _refused(request, error)
    next_url = request.session.get(SESSION_NEXT)
    # A new session id after sign-in (no fixation); the portal session keeps the hash only.
    request.session.cycle_key()
    request.session[SESSION_SUBJECT] = result.subject_hash
    request.session[SESSION_SUBJECT_AT] = time.time()
    if pending is not None and pending.purpose == services.PURPOSE_LINK:
        try:
            linked = services.link_by_snils(
                subject_hash=result.subject_hash, snils_hash_value=result.snils_hash
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if linked:
                names = ", ".join(str(s) for s in linked)
                messages.success(request, f"Учётная запись связана: {names}.")
            else:
                messages.warning(
                    request,
                    "Школа с вашими данными не найдена. Попросите классного руководителя "
                    "выдать код приглашения.",
                )
    if isinstance(next_url, str) and next_url.startswith("/sso/handover/"):
        request.session.pop(SESSION_NEXT, None)
        return redirect(next_url)
    return redirect("identity:portal")


@never_cache
@require_POST
def invitation_redeem(request: HttpRequest) -> HttpResponse:
    subject = _subject(request)
    if subject is None:
        return redirect("identity:portal")
    key = f"identity:invitation-attempts:{request.session.session_key}"
    attempts = cache.get_or_set(key, 0, timeout=600) or 0
    if int(attempts) >= INVITATION_ATTEMPTS:
        messages.error(request, "Слишком много попыток. Попробуйте через 10 минут.")
        return redirect("identity:portal")
    cache.incr(key)
    try:
        school_id = int(request.POST.get("school_id", "0"))
    except ValueError:
        school_id = 0
    try:
        school = services.link_by_invitation(
            subject_hash=subject, school_id=school_id, code=request.POST.get("code", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Учётная запись связана со школой «{school}».")
    return redirect("identity:portal")


@never_cache
@require_GET
def handover(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school asked for a ticket (with its browser binding); post it to the school."""
    subject = _subject(request)
    if subject is None:
        request.session[SESSION_NEXT] = request.get_full_path()
        return redirect("identity:portal")
    try:
        school, ticket = services.handover_ticket(
            subject_hash=subject, school_id=school_id, binding=request.GET.get("b", "")
        )
    except ApplicationError as error:
        return _refused(request, error)
    response = render(
        request,
        "identity/handover.html",
        {
            "school": school,
            "action": site_url(request, school_host(school), "/sso/enter/"),
            "ticket": ticket,
        },
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
def sso_logout(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return redirect("identity:portal")
