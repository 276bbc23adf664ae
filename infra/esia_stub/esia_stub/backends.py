"""Sign-in by phone, e-mail or СНИЛС and password, as on the real page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

from esia_stub.people import config


class EsiaLoginBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        person = config().find(username or "")
        if person is None or not password:
            User().set_password(password or "x")  # the same work whether or not found
            return None
        user = User.objects.filter(username=person.oid).first()
        if user is None or not user.check_password(password) or not user.is_active:
            return None
        return user
