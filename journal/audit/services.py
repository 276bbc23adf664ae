"""ROLE-4: every access to pupils' data is attributable (who, when, what)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from journal.audit.models import AccessLog


def access_log(
    *,
    user: Any,
    action: str,
    what: str,
    pupil_ids: Iterable[int],
    details: dict[str, Any] | None = None,
) -> AccessLog | None:
    """Record one access (one INSERT, whatever the number of pupils). Nothing if no pupils."""
    ids = sorted({int(i) for i in pupil_ids})
    if not ids:
        return None
    return AccessLog.objects.create(
        user_id=user.pk,
        user_name=(getattr(user, "full_name", "") or user.get_username())[:300],
        action=action,
        what=what,
        pupil_ids=ids,
        details=details or {},
    )
