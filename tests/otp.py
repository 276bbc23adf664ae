"""Second-factor helpers for tests: an operator with a confirmed TOTP device, and the code
that device shows now (as the person's authenticator app would)."""

from __future__ import annotations

from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(user: Any) -> str:
    """The current six-digit code of `user`'s TOTP device (in the current schema)."""
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def platform_operator(username: str, password: str, **names: str) -> Any:
    """An operator of the municipality (public schema) whose sign-in asks for a TOTP code
    (SEC-3)."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from core.tenancy import db

    db.set_schema_to_public()
    user = User.objects.create_user(username, password=password, **names)
    user.groups.add(Group.objects.get(name="operator"))
    TOTPDevice.objects.create(user=user, name="Телефон", confirmed=True)
    return user
