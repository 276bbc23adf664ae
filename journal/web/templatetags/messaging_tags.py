"""`{% school_announcements %}`: the announcements in force for the signed-in reader (COM-1),
for pages whose views belong to other topics (the staff start pages)."""

from __future__ import annotations

from typing import Any

from django import template

from journal.messaging.selectors import announcements_for

register = template.Library()


@register.inclusion_tag("web/messaging/_announcements.html", takes_context=True)
def school_announcements(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"announcements": []}
    return {"announcements": announcements_for(for_user=user)}
