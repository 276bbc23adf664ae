"""Roles are groups. Public-schema roles and school roles never share a schema."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

OPERATOR = "operator"
DEPARTMENT = "department"
PUBLIC_ROLES = {OPERATOR: "Муниципальный оператор", DEPARTMENT: "Управление образования"}

DIRECTOR = "director"
DEPUTY = "deputy"
JOURNAL_ADMIN = "journal_admin"
SECRETARY = "secretary"
TEACHER = "teacher"
PUPIL = "pupil"
PARENT = "parent"
SCHOOL_ROLES = {
    DIRECTOR: "Директор",
    DEPUTY: "Заместитель директора",
    JOURNAL_ADMIN: "Администратор ЭЖ",
    SECRETARY: "Секретарь",
    TEACHER: "Учитель",
    PUPIL: "Обучающийся",
    PARENT: "Родитель (законный представитель)",
}


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    """True when an active, authenticated user holds one of the roles in the current schema."""
    if not user.is_authenticated or not user.is_active:
        return False
    cached: set[str] | None = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        setattr(user, "_role_names", cached)  # noqa: B010 - a per-request memo on the instance
    return bool(cached.intersection(roles))
