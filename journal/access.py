"""Who may do what in the journal (ROLE-1..3): one query per operation.

Roles are the user's groups; object-level rights are django-guardian object permissions
that services grant when the fact behind them is recorded:

- `structure.teach_assignment` on a TeachingAssignment — the teacher of it;
- `structure.lead_class` on a ClassGroup — the class teacher;
- `roster.view_child` on a Pupil — a linked parent (guardian);
- `roster.be_pupil` on a Pupil — the pupil themself;
- `register.substitute_lesson` on a Lesson — a substitute the deputy granted it to.

`scope_for(user)` reads all of it with ONE SQL statement (groups and object permissions in
a UNION), so selectors can filter by id sets without a permission query per row. A parent's
or pupil's right counts only while the pupil's written consent is in force (SET-5).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts import roles
from core.errors import PermissionDeniedError
from journal import permissions as perms

WHOLE_SCHOOL = frozenset({roles.DIRECTOR, roles.DEPUTY})
STRUCTURE_MANAGERS = frozenset({roles.DIRECTOR, roles.DEPUTY, roles.JOURNAL_ADMIN})
ROSTER_MANAGERS = frozenset({roles.DIRECTOR, roles.DEPUTY, roles.JOURNAL_ADMIN, roles.SECRETARY})
STAFF_ROLES = frozenset(
    {roles.DIRECTOR, roles.DEPUTY, roles.JOURNAL_ADMIN, roles.SECRETARY, roles.TEACHER}
)

_SCOPE_SQL = """
SELECT 'role', g.name, NULL
  FROM auth_group g JOIN accounts_user_groups ug ON ug.group_id = g.id
 WHERE ug.user_id = %(uid)s
UNION ALL
SELECT 'perm', p.codename, o.object_pk
  FROM guardian_userobjectpermission o JOIN auth_permission p ON p.id = o.permission_id
 WHERE o.user_id = %(uid)s
   AND p.codename = ANY(%(codenames)s)
   AND (p.codename <> ALL(%(consent_bound)s) OR EXISTS (
        SELECT 1 FROM roster_consent c
         WHERE c.pupil_id = o.object_pk::bigint AND c.revoked_on IS NULL))
UNION ALL
SELECT 'closed', NULL, y.year_id::text FROM yearend_yearclosing y
"""


@dataclass(frozen=True)
class Scope:
    """What one user may reach in the current school."""

    user_id: int | None
    roles: frozenset[str] = frozenset()
    assignment_ids: frozenset[int] = frozenset()
    class_ids: frozenset[int] = frozenset()
    substitute_lesson_ids: frozenset[int] = frozenset()
    child_ids: frozenset[int] = frozenset()
    self_pupil_ids: frozenset[int] = frozenset()
    # School years closed (YEAR-1): read with the same query, so that the write guard
    # (`journal.structure.closing.year_must_be_open`) costs nothing on the hot paths.
    closed_year_ids: frozenset[int] = frozenset()

    @property
    def whole_school(self) -> bool:
        return bool(self.roles & WHOLE_SCHOOL)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_pupil(self) -> bool:
        return roles.PUPIL in self.roles

    def has(self, *names: str) -> bool:
        return bool(self.roles.intersection(names))

    @property
    def personal_pupil_ids(self) -> frozenset[int]:
        """Pupils a parent or pupil may see (consent in force)."""
        return self.child_ids | self.self_pupil_ids


# A per-request memo (see scope_memo): the selector that loads an object and the
# service that acts on it share one scope query. Outside a request nothing is memoised.
_request_scopes: ContextVar[dict[tuple[str, int], Scope] | None] = ContextVar(
    "journal_request_scopes", default=None
)


class CreatedOutput(serializers.Serializer):
    """The answer of a create operation: the id of what was created."""

    id = serializers.IntegerField()


def query_filters(request: Request, filters: type[serializers.Serializer]) -> dict[str, Any]:
    """Validated query-string filters of a list (400 with Russian field errors when bad).

    Each list view declares a small `Filters` serializer and passes it to
    `extend_schema(parameters=[Filters])`, so the filters are documented in OpenAPI too.
    """
    data = filters(data=request.query_params)
    data.is_valid(raise_exception=True)
    return {k: v for k, v in data.validated_data.items() if v not in (None, "")}


class DateRangeFilters(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="С даты (ГГГГ-ММ-ДД)")
    date_to = serializers.DateField(required=False, help_text="По дату включительно")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError({"date_to": ["Конец периода раньше начала."]})
        return attrs


class JournalApiView(APIView):
    """Base of the journal's API views: one scope query per request."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with scope_memo():
            return super().dispatch(request, *args, **kwargs)


@contextmanager
def scope_memo() -> Iterator[None]:
    """Inside, `scope_for` reads each user's scope once (a request's memo): the selector
    that loads an object and the service that acts on it share one query."""
    token = _request_scopes.set({})
    try:
        yield
    finally:
        _request_scopes.reset(token)


def scope_for(user: Any) -> Scope:
    """The acting user's roles and object rights, read with one query."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(user_id=None)
    memo = _request_scopes.get()
    key = (str(getattr(connection, "schema_name", "")), int(user.pk))
    if memo is not None and key in memo:
        return memo[key]
    scope = _scope_query(user)
    if memo is not None:
        memo[key] = scope
    return scope


def _scope_query(user: Any) -> Scope:
    buckets: dict[str, set[int]] = {name: set() for name in perms.OBJECT_CODENAMES}
    role_names: set[str] = set()
    closed: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            _SCOPE_SQL,
            {
                "uid": user.pk,
                "codenames": list(perms.OBJECT_CODENAMES),
                "consent_bound": list(perms.CONSENT_BOUND_CODENAMES),
            },
        )
        for kind, name, object_pk in cursor.fetchall():
            if kind == "role":
                role_names.add(name)
            elif kind == "closed":
                closed.add(int(object_pk))
            else:
                buckets[name].add(int(object_pk))
    return Scope(
        user_id=user.pk,
        roles=frozenset(role_names),
        assignment_ids=frozenset(buckets[perms.TEACH_ASSIGNMENT]),
        class_ids=frozenset(buckets[perms.LEAD_CLASS]),
        substitute_lesson_ids=frozenset(buckets[perms.SUBSTITUTE_LESSON]),
        child_ids=frozenset(buckets[perms.VIEW_CHILD]),
        self_pupil_ids=frozenset(buckets[perms.BE_PUPIL]),
        closed_year_ids=frozenset(closed),
    )


def deny(message: str = "Недостаточно прав для этого действия.") -> PermissionDeniedError:
    return PermissionDeniedError(message)


def require_roles(scope: Scope, allowed: frozenset[str] | set[str], message: str = "") -> None:
    """Role-level gate for writes. Pupils and parents never pass a staff gate (ROLE-2)."""
    if not scope.roles.intersection(allowed):
        raise deny(message or "Недостаточно прав для этого действия.")
