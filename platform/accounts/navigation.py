"""Navigation by role: apps register their pages; the layout shows what the user may open.

In accounts, beside the roles it is filtered by (core, the shared kit, depends on no app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from accounts.roles import has_role


@dataclass(frozen=True)
class NavItem:
    label: str  # Russian
    url_name: str
    roles: tuple[str, ...]  # any of these roles sees the item; () means any signed-in user
    site: str  # "public" or "school"
    order: int = 100
    # Beyond the roles: whether this user has the duty the item is for (a class teacher is a
    # teacher with a class); None: the roles decide alone.
    visible_to: Callable[[Any], bool] | None = None
    # A count shown beside the label (unread messages): the app gives the function.
    badge: Callable[[Any], int] | None = None


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    """Called from an app's ready(); registering twice is harmless."""
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda i: (i.order, i.label))


def items_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    tenant = getattr(request, "tenant", None)
    if user is None or not user.is_authenticated or tenant is None:
        return []
    site = "public" if tenant.schema_name == "public" else "school"
    visible = []
    for item in _items:
        if item.site != site or (item.roles and not has_role(user, *item.roles)):
            continue
        if item.visible_to is not None and not item.visible_to(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append(
            {
                "label": item.label,
                "url": url,
                "active": request.path.startswith(url) and url != "/",
                "badge": item.badge(user) if item.badge else 0,
            }
        )
    return visible


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context processor."""
    tenant = getattr(request, "tenant", None)
    return {
        "nav_items": items_for(request),
        "site_title": (
            "Электронный журнал: муниципалитет"
            if tenant is None or tenant.schema_name == "public"
            else tenant.short_name or tenant.name
        ),
    }
