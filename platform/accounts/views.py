"""Staff sign-in (SEC-3): password, forced change at first sign-in, TOTP for privileged
roles. The session is created only after every step has passed; until then the browser
holds a short-lived "pending" marker in an anonymous session."""

from __future__ import annotations

import base64
import time
from typing import Any

import django_otp
import segno
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.learners import learner_accounts
from accounts.models import User
from accounts.policy import (
    SIGN_IN_ESIA,
    on_school_host,
    password_sign_in_refusal,
    requires_otp,
    role_set,
)
from core.hosts import portal_url

PENDING = "accounts.pending"
SETUP_DEVICE = "accounts.otp_setup_device"
PENDING_MAX_AGE = 600


class SignInView(LoginView):
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """On a school whose regulation lets staff sign in through Госуслуги (002 §3.1), the
        page offers it beside (or instead of) the password form."""
        context = super().get_context_data(**kwargs)
        staff = learner_accounts().sign_in_methods().get("staff", ()) if on_school_host() else ()
        context["staff_esia_url"] = (
            portal_url(self.request, "/sso/") if SIGN_IN_ESIA in staff else ""
        )
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "uid": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return _next_step(self.request, user)


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_MAX_AGE:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=int(pending.get("uid") or 0), is_active=True).first()
    if user is None or password_sign_in_refusal(user) is not None:
        request.session.pop(PENDING, None)
        return None
    return user, pending


def _next_step(request: HttpRequest, user: User) -> HttpResponse:
    if user.must_change_password:
        return redirect("password_first_change")
    if requires_otp(user):
        return redirect("otp")
    return _complete(request, user, device=None)


def _complete(request: HttpRequest, user: User, device: TOTPDevice | None) -> HttpResponse:
    pending = request.session.pop(PENDING, {})
    request.session.pop(SETUP_DEVICE, None)
    login(request, user, backend=pending.get("backend"))
    if device is not None:
        django_otp.login(request, device)
    if on_school_host() and roles.PUPIL in role_set(user):
        learner_accounts().pupil_signed_in(user)
    return redirect(pending.get("next") or "home")


@sensitive_post_parameters()
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def password_first_change(request: HttpRequest) -> HttpResponse:
    """The password issued by the administrator (or a temporary pupil login) is changed
    before anything else (SEC-2, SEC-3)."""
    found = _pending_user(request)
    if found is None:
        return redirect("login")
    user, _ = found
    if not user.must_change_password:
        return _next_step(request, user)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
        if on_school_host():
            learner_accounts().password_changed(user)
        return _next_step(request, user)
    return render(request, "accounts/password_first_change.html", {"form": form})


WRONG_CODE = "Неверный код. Введите шесть цифр из приложения-аутентификатора."
USED_CODE = "Этот код уже использован. Дождитесь следующего кода в приложении и введите его."
OLD_CODE = "Код устарел. Дождитесь следующего кода в приложении и введите его."
THROTTLED = "Слишком много попыток подряд. Подождите несколько секунд и введите новый код."
EXPIRED_STEPS = 10  # how far back a code is still recognised as "expired", not "wrong"


def totp_refusal(device: Any, token: str) -> str:
    """Why `token` was refused (a code `verify_token` did not accept): used already,
    expired (from a time step just before the accepted window), or simply wrong."""
    if not token.isdigit():
        return WRONG_CODE
    code = int(token)
    timer = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = timer.t()
    for offset in range(-EXPIRED_STEPS, device.tolerance + 1):
        timer.drift = device.drift + offset
        if timer.token() != code:
            continue
        if timer.t() < now - device.tolerance:
            return OLD_CODE
        if timer.t() <= device.last_t:
            return USED_CODE
    return WRONG_CODE


@sensitive_post_parameters()
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def otp_step(request: HttpRequest) -> HttpResponse:
    """TOTP for the director, deputies, journal administrator and operator: set up on
    the first sign-in (QR code for an authenticator app), then asked every time."""
    found = _pending_user(request)
    if found is None:
        return redirect("login")
    user, _ = found
    if user.must_change_password:
        return redirect("password_first_change")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if device is None:
        device = TOTPDevice.objects.filter(
            user=user, confirmed=False, pk=request.session.get(SETUP_DEVICE)
        ).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="Приложение-аутентификатор", confirmed=False
            )
            request.session[SETUP_DEVICE] = device.pk
    error = ""
    if request.method == "POST":
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())
        allowed, _ = device.verify_is_allowed()
        if token and device.verify_token(token):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            return _complete(request, user, device)
        error = totp_refusal(device, token) if allowed else THROTTLED
    context: dict[str, Any] = {"setting_up": setting_up, "error": error}
    if setting_up:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/otp.html", context, status=400 if error else 200)
