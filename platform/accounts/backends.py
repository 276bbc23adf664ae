"""Authentication backends: lockout first, then passwords under the sign-in policy."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.learners import learner_accounts
from accounts.policy import password_sign_in_refusal


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check (SEC-3), per school: attempts live in the school's schema.

    Calls without a request (management commands, the test client's `login()`) are not
    HTTP sign-ins and have no client address to count; they skip the check.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class PasswordBackend(ModelBackend):
    """Username and password, only for accounts the policy lets sign in with one.

    Django also asks `user_can_authenticate` when it loads the user of an existing
    session, so a temporary pupil login that expires or is revoked ends the session too.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and password_sign_in_refusal(user) is None


class SsoSessionBackend(ModelBackend):
    """Sessions a school created from an SSO hand-over ticket (never authenticates itself).

    Each request re-checks that the account is still a linked parent or pupil with
    consent in force (SET-5) and holds no staff role (ROLE-2).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return learner_accounts().sso_session_allowed(user)
