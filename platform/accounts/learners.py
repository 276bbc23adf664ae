"""What sign-in asks of the school's records about parents and pupils.

Those records (SSO links, consent, temporary pupil logins, participation) belong to the
school-side identity app, `journal.identity`, which builds on this app. So this app
does not import it: `journal.identity` registers these functions when Django starts
(`AppConfig.ready`), and the backends, the sign-in policy and the sign-in views call
them. They are only called on a school host.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class LearnerAccounts:
    # A session from an SSO hand-over may go on: still linked, a learner, consent in force.
    sso_session_allowed: Callable[[Any], bool]
    # The pupil holds a temporary login in force (SEC-2): the only way a pupil uses a password.
    temporary_login_in_force: Callable[[Any], bool]
    # A pupil finished a password sign-in (first use of the login, participation).
    pupil_signed_in: Callable[[Any], None]
    # The user replaced an issued password at the first sign-in.
    password_changed: Callable[[Any], None]
    # The adopted regulation's sign-in methods per kind of account (TPL-5).
    sign_in_methods: Callable[[], dict[str, tuple[str, ...]]]


_registered: list[LearnerAccounts] = []


def register(accounts: LearnerAccounts) -> None:
    _registered[:] = [accounts]


def learner_accounts() -> LearnerAccounts:
    if not _registered:
        raise ImproperlyConfigured("journal.identity is not installed: no learner accounts.")
    return _registered[0]
