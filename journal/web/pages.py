"""The school's page shell: the one access gate of every page and the request helpers.

Every page is declared with `@school_page(roles=..., methods=...)`:

- a method the page does not declare gets 405 (GET implies HEAD);
- an anonymous visitor goes to the sign-in page, except on a `public` page (the
  regulation and the user guides, 001 ЭД п.1, 003 §4.4), which anyone reads (GET only);
- a user without one of `roles` gets 403 (or 404 with `deny=404`, for pages whose
  objects a lesser role must not learn exist); unsafe methods need `write_roles`
  (by default the same roles);
- the view runs inside the journal's per-request scope memo, and a service's
  `PermissionDeniedError` that escapes becomes 403.

The role sets are named constants (`journal.access` and below); the navigation in
`journal.web.apps` is registered from the same constants, and each view keeps its
declaration in `view.page_access` for the tests (tests/web/test_page_matrix.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed

from accounts import roles
from core.errors import PermissionDeniedError
from core.forms import SERVICE_ERRORS, apply_service_errors
from journal.access import (
    ROSTER_MANAGERS,
    STAFF_ROLES,
    STRUCTURE_MANAGERS,
    WHOLE_SCHOOL,
    scope_for,
    scope_memo,
)

# Role sets of the pages (with journal.access's WHOLE_SCHOOL, STRUCTURE_MANAGERS,
# ROSTER_MANAGERS and STAFF_ROLES).
TEACHERS = frozenset({roles.TEACHER})
LEARNERS = frozenset({roles.PUPIL, roles.PARENT})
CLASS_READERS = TEACHERS | WHOLE_SCHOOL  # the class teacher's pages; read-only for the heads
TIMETABLE_EDITORS = frozenset({roles.JOURNAL_ADMIN})
EVERY_SCHOOL_ROLE = frozenset(roles.SCHOOL_ROLES)

__all__ = [
    "CLASS_READERS",
    "EVERY_SCHOOL_ROLE",
    "LEARNERS",
    "ROSTER_MANAGERS",
    "STAFF_ROLES",
    "STRUCTURE_MANAGERS",
    "TEACHERS",
    "TIMETABLE_EDITORS",
    "WHOLE_SCHOOL",
    "PageAccess",
    "choose",
    "date_param",
    "int_param",
    "may_write",
    "school_page",
    "submit",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PAGE_ACCESS_ATTR = "page_access"


@dataclass(frozen=True)
class PageAccess:
    """What a page declares: who reads it, who writes through it, which methods it takes."""

    roles: frozenset[str]
    write_roles: frozenset[str]
    methods: tuple[str, ...]
    deny: int
    # Read without signing in, by anyone (the regulation, 003 §4.4): safe methods only.
    public: bool = False


View = Callable[..., HttpResponse]


def school_page(
    *,
    roles: Collection[str],
    methods: Collection[str] = ("GET",),
    write_roles: Collection[str] | None = None,
    deny: int = 403,
    public: bool = False,
) -> Callable[[View], View]:
    """Declare a school page: its roles and HTTP methods (see the module's docstring)."""
    declared = {m.upper() for m in methods}
    if "GET" in declared:
        declared.add("HEAD")
    if public and not declared <= SAFE_METHODS:
        raise ValueError("A public page only reads (GET).")
    access = PageAccess(
        roles=frozenset(roles),
        write_roles=frozenset(roles if write_roles is None else write_roles),
        methods=tuple(sorted(declared)),
        deny=deny,
        public=public,
    )

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in declared:
                return HttpResponseNotAllowed(access.methods)
            if not request.user.is_authenticated and not access.public:
                return redirect_to_login(request.get_full_path())
            with scope_memo():
                needed = access.roles if request.method in SAFE_METHODS else access.write_roles
                if not access.public and not scope_for(request.user).roles & needed:
                    if access.deny == 404:
                        raise Http404
                    raise PermissionDenied
                setattr(request, PAGE_ACCESS_ATTR, access)
                try:
                    return view(request, *args, **kwargs)
                except PermissionDeniedError as exc:
                    raise PermissionDenied(exc.message) from exc

        setattr(wrapper, PAGE_ACCESS_ATTR, access)
        return wrapper

    return decorate


def may_write(request: HttpRequest) -> bool:
    """Whether the user may write through the current page (its `write_roles`): the page
    shows its forms only then."""
    access: PageAccess = getattr(request, PAGE_ACCESS_ATTR)
    return bool(scope_for(request.user).roles & access.write_roles)


def int_param(params: Mapping[str, Any], name: str) -> int | None:
    """A whole number from the query string or a form (`request.GET` / `request.POST`);
    None when missing or not a number."""
    raw = str(params.get(name, "") or "")
    return int(raw) if raw.isdigit() else None


def date_param(params: Mapping[str, Any], name: str, default: dt.date) -> dt.date:
    """An ISO date from the query string; the default when missing or malformed."""
    raw = str(params.get(name, "") or "")
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


T = TypeVar("T")


def choose(items: Sequence[T], wanted: int | None, *, first: bool = True) -> T | None:
    """The item whose pk the query string names (404 when none of `items` has it); without
    a choice the first item (`first=True`) or None."""
    if wanted is None:
        return items[0] if first and items else None
    for item in items:
        if getattr(item, "pk", None) == wanted:
            return item
    raise Http404


def submit(form: forms.Form, save: Callable[[dict[str, Any]], T]) -> T | None:
    """A posted form's service call: what the service returned, or None when the form is
    invalid or the service refused (its Russian errors are then on the form's fields)."""
    if form.is_valid():
        try:
            return save(form.cleaned_data)
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
    return None
