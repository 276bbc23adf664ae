"""The school's end of single sign-on: bind the browser, redeem the ticket, open a
host-only session (SEC-1)."""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core.hosts import portal_url
from core.tenancy import db
from identity.oidc import SsoError
from identity.tickets import ticket_redeem
from journal.identity.models import ExternalIdentity, Participation
from journal.identity.selectors import sso_refusal
from journal.identity.services import participation_record

log = logging.getLogger(__name__)

BINDING_MAX_AGE = 10 * 60  # begin → (provider sign-in) → hand-over
SSO_BACKEND = "accounts.backends.SsoSessionBackend"


def _binding_cookie() -> tuple[str, bool]:
    """The binding cookie's name and whether it is Secure (`__Host-` needs Secure)."""
    secure = bool(settings.SESSION_COOKIE_SECURE)
    return ("__Host-sso-binding" if secure else "sso-binding"), secure


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
    """Bind this browser (a random value in a host-only cookie of the school) and ask the
    portal for a ticket; the portal's ticket must carry the same value back."""
    binding = secrets.token_urlsafe(24)
    school_id = db.tenant.pk
    response = HttpResponseRedirect(portal_url(request, f"/sso/handover/{school_id}/?b={binding}"))
    # Its own cookie, not the session: the portal's POST to /sso/enter/ is cross-site
    # wherever the portal and the schools do not share a registrable domain (`localhost`
    # and `<slug>.localhost`, or a platform domain on the public-suffix list), and a Lax
    # session cookie would not travel with it. The value is random and unknown to anyone
    # else, so sending it cross-site plants nothing: it only has to come back.
    name, secure = _binding_cookie()
    response.set_cookie(
        name,
        binding,
        max_age=BINDING_MAX_AGE,
        path="/",
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )
    return response


@never_cache
@csrf_exempt  # a cross-host POST from the portal: the signed, bound, single-use ticket is the check
@require_POST
def sso_enter(request: HttpRequest) -> HttpResponse:
    name, _ = _binding_cookie()
    binding = request.COOKIES.get(name, "")
    try:
        ticket = ticket_redeem(
            value=request.POST.get("ticket", ""), schema=db.schema_name, binding=binding
        )
    except SsoError as error:
        return _forget_binding(_refused(request, error.message, error.reason))
    user = User.objects.filter(pk=ticket.user_id, is_active=True).first()
    if (
        user is None
        or not ExternalIdentity.objects.filter(user=user, subject_hash=ticket.subject_hash).exists()
    ):
        return _forget_binding(
            _refused(request, "Ваша учётная запись не связана с этой школой.", "not_linked")
        )
    refusal = sso_refusal(user)
    if refusal is not None:
        return _forget_binding(_refused(request, refusal, "sso_refused"))
    if request.user.is_authenticated:
        logout(request)
    login(request, user, backend=SSO_BACKEND)
    participation_record(user=user, method=Participation.Method.SSO)
    return _forget_binding(redirect("home"))


def _forget_binding(response: HttpResponse) -> HttpResponse:
    name, secure = _binding_cookie()
    response.delete_cookie(name, path="/", samesite="None" if secure else "Lax")
    return response
