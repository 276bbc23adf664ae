"""The school's end of single sign-on: bind the browser, redeem the ticket, open a
host-only session (SEC-1)."""

from __future__ import annotations

import logging
import secrets

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core.tenancy import db
from identity.oidc import SsoError
from identity.tickets import ticket_redeem
from identity.web import portal_url
from identity_school.models import ExternalIdentity, Participation
from identity_school.selectors import learner_refusal
from identity_school.services import participation_record

log = logging.getLogger(__name__)

SESSION_BINDING = "identity.binding"
SSO_BACKEND = "accounts.backends.SsoSessionBackend"


def _refused(request: HttpRequest, message: str, reason: str) -> HttpResponse:
    log.info("SSO hand-over refused: %s", reason)
    return render(
        request,
        "identity/refused.html",
        {"message": message, "back_url": portal_url(request, "/sso/")},
        status=403,
    )


@never_cache
@require_GET
def sso_begin(request: HttpRequest) -> HttpResponse:
    """Bind this browser (a random value in this host's session) and ask the portal for
    a ticket; the portal's ticket must carry the same value back."""
    binding = secrets.token_urlsafe(24)
    request.session[SESSION_BINDING] = binding
    school_id = db.tenant.pk
    return HttpResponseRedirect(portal_url(request, f"/sso/handover/{school_id}/?b={binding}"))


@never_cache
@csrf_exempt  # a cross-host POST from the portal: the signed, bound, single-use ticket is the check
@require_POST
def sso_enter(request: HttpRequest) -> HttpResponse:
    binding = request.session.pop(SESSION_BINDING, "")
    try:
        ticket = ticket_redeem(
            value=request.POST.get("ticket", ""), schema=db.schema_name, binding=binding
        )
    except SsoError as error:
        return _refused(request, error.message, error.reason)
    user = User.objects.filter(pk=ticket.user_id, is_active=True).first()
    if (
        user is None
        or not ExternalIdentity.objects.filter(user=user, subject_hash=ticket.subject_hash).exists()
    ):
        return _refused(request, "Ваша учётная запись не связана с этой школой.", "not_linked")
    refusal = learner_refusal(user)
    if refusal is not None:
        return _refused(request, refusal, "learner_refused")
    if request.user.is_authenticated:
        logout(request)
    login(request, user, backend=SSO_BACKEND)
    participation_record(user=user, method=Participation.Method.SSO)
    return redirect("home")
