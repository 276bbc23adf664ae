"""Accounts of a school's people, created and given passwords in one place (SET-3, SET-4,
SEC-2, SEC-3).

Every account of a pupil, parent or member of staff starts the same way: the name as
typed (trimmed), the username given or generated, the role groups, and no usable
password. Parents and pupils sign in through Госуслуги; a password is issued only by
`password_issue` (a temporary pupil login, a staff password reset, a school's first
administrator), shown once, and must be changed at the next sign-in.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User

PASSWORD_ALPHABET = string.ascii_letters + string.digits


def generate_password(length: int = 14) -> str:
    """A random password with a lower-case letter, a capital and a digit."""
    while True:
        candidate = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate


def generate_username(prefix: str) -> str:
    """`<prefix>` and 8 random hex digits, e.g. u3f9a0c1d (pupils "u", parents "p")."""
    return f"{prefix}{secrets.token_hex(4)}"


def username_taken(username: str) -> bool:
    return User.objects.filter(username=username).exists()


@transaction.atomic
def school_account_create(
    *,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    email: str = "",
    username: str = "",
    username_prefix: str = "u",
    role_names: Iterable[str],
) -> User:
    """The account of a pupil, parent or member of staff in the current schema.

    The caller has checked the input (its own messages) and the right to create it.
    Without a `username` one is generated from `username_prefix`. No usable password.
    """
    user = User(
        username=username or generate_username(username_prefix),
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        patronymic=patronymic.strip(),
        email=email,
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(*Group.objects.filter(name__in=list(role_names)))
    return user


@transaction.atomic
def password_issue(*, user: User) -> str:
    """A new password for the account, returned to be shown once; it must be changed at
    the next sign-in (SEC-2, SEC-3)."""
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password
