"""ROLE-4: the director queries who read or changed a pupil's data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from accounts import roles
from journal.access import require_roles, scope_for
from journal.audit.models import AccessLog


def access_log_list(
    *,
    for_user: Any,
    pupil_id: int | None = None,
    user_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AccessLog]:
    require_roles(scope_for(for_user), {roles.DIRECTOR}, "Журнал доступа просматривает директор.")
    qs = AccessLog.objects.all()
    if pupil_id is not None:
        qs = qs.filter(pupil_ids__contains=[pupil_id])
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.order_by("-at", "-id")
