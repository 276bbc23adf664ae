"""Who may sign in how (SEC-1..3, ROLE-2, TPL-5).

- Staff of a school and the operator/department on the public host: username and
  password issued by the administrator; a TOTP second factor for privileged roles.
- Pupils: through Госуслуги, or with a temporary login in force (SEC-2).
- Parents: through Госуслуги only.
- An account never mixes a learner role with a staff role.

On a school's host the adopted regulation's `sign_in` rule narrows these (the seeds
disagree: 002 §3.1 ESIA for everyone, staff included; 003 §3.1 login and password): a
method the school's regulation does not name is refused.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from accounts import roles
from accounts.learners import learner_accounts
from core.tenancy import db

LEARNER_ROLES = frozenset({roles.PUPIL, roles.PARENT})
STAFF_ROLES = frozenset(
    {
        roles.DIRECTOR,
        roles.DEPUTY,
        roles.JOURNAL_ADMIN,
        roles.SECRETARY,
        roles.TEACHER,
        roles.OPERATOR,
        roles.DEPARTMENT,
    }
)


# Sign-in methods per kind of account (TPL-5: 002 §3.1 ESIA for everyone; 003 §3.1 login
# and password).
SIGN_IN_PASSWORD = "password"  # noqa: S105 - a method name, not a secret
SIGN_IN_ESIA = "esia"
SIGN_IN_TEMPORARY = "temporary_login"
DEFAULT_SIGN_IN: dict[str, tuple[str, ...]] = {
    "staff": (SIGN_IN_PASSWORD,),
    "pupil": (SIGN_IN_ESIA, SIGN_IN_TEMPORARY),
    "parent": (SIGN_IN_ESIA,),
}


def role_set(user: Any) -> set[str]:
    cached: set[str] | None = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        setattr(user, "_role_names", cached)  # noqa: B010 - the same memo roles.has_role uses
    return cached


def is_learner(user: Any) -> bool:
    return bool(role_set(user) & LEARNER_ROLES)


def requires_otp(user: Any) -> bool:
    return bool(role_set(user) & set(settings.OTP_REQUIRED_ROLES))


def on_school_host() -> bool:
    return bool(db.schema_name) and db.schema_name != "public"


LEARNER_DENIED = "Эта страница доступна только сотрудникам школы."


def learner_may_open(view_name: str, method: str) -> bool:
    """Deny by default: a parent or pupil reaches only the views listed in the settings."""
    if view_name in settings.LEARNER_URL_NAMES:
        return True
    if method in ("GET", "HEAD") and view_name in settings.LEARNER_READ_URL_NAMES:
        return True
    # Messages (COM-1): the few writes a parent or pupil makes (their own conversations).
    if method == "POST" and view_name in settings.LEARNER_WRITE_URL_NAMES:
        return True
    namespace = view_name.split(":", 1)[0] if ":" in view_name else ""
    return method in ("GET", "HEAD") and namespace in settings.LEARNER_READ_NAMESPACES


def learner_refused(user: Any, view_name: str, method: str) -> bool:
    """ROLE-2, the one guard for learners: True when `user` is a parent or pupil on a school
    host and the view is not one of theirs. Pages ask it through SessionGuardMiddleware, the
    API through accounts.permissions.LearnersOnlyTheirViews (a DRF default permission, so
    it sees every DRF authentication: session and token alike)."""
    if not on_school_host() or user is None or not user.is_authenticated:
        return False
    return is_learner(user) and not learner_may_open(view_name, method)


def _school_sign_in() -> dict[str, tuple[str, ...]]:
    return learner_accounts().sign_in_methods()


def password_sign_in_refusal(user: Any) -> str | None:
    """None when the user may sign in with a password now; else why not (Russian)."""
    names = role_set(user)
    if not on_school_host():
        return None if not names & LEARNER_ROLES else "Вход для этой учётной записи закрыт."
    if names & LEARNER_ROLES and names & STAFF_ROLES:
        return (
            "Учётная запись совмещает роли обучающегося и сотрудника: обратитесь к администратору."
        )
    if roles.PARENT in names:
        return "Родители входят через Госуслуги."
    sign_in = _school_sign_in()
    if names & STAFF_ROLES and SIGN_IN_PASSWORD not in sign_in.get("staff", ()):
        return "По положению школы сотрудники входят через Госуслуги (ЕСИА)."
    if roles.PUPIL in names and SIGN_IN_TEMPORARY not in sign_in.get("pupil", ()):
        return "По положению школы обучающиеся входят только через Госуслуги."
    if roles.PUPIL in names and not learner_accounts().temporary_login_in_force(user):
        return "Временный логин истёк или отозван. Обратитесь к классному руководителю."
    return None
