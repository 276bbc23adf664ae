"""DRF permissions shared by every API."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.policy import LEARNER_DENIED, learner_refused


class LearnersOnlyTheirViews(BasePermission):
    """ROLE-2 for every DRF authentication path (session, token, anything added later): a
    parent or pupil reaches only the learners' views. A default permission class; Django
    middleware never sees DRF token authentication, so the guard lives here as well, asking
    the same predicate as SessionGuardMiddleware."""

    message = LEARNER_DENIED

    def has_permission(self, request: Request, view: Any) -> bool:
        match = request._request.resolver_match
        name = match.view_name if match else ""
        return not learner_refused(request.user, name, request.method or "GET")
