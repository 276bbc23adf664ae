"""Per-request guards for sessions (ROLE-2) and the request origin for the audit (ROLE-4)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.template.loader import render_to_string

from accounts.policy import LEARNER_DENIED, learner_refused

# The client address of the request being served; `journal.identity.audit` adds it to
# each AccessLog row (ROLE-4/SEC-4 "from where").
request_origin: ContextVar[str | None] = ContextVar("request_origin", default=None)


def client_address(request: HttpRequest) -> str:
    """The client's address as the server saw it (a proxy must set REMOTE_ADDR right)."""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


class SessionGuardMiddleware:
    """After authentication: record where the request came from for the access log, and
    keep parent and pupil sessions out of every staff view (403), whatever the view's own
    checks say (accounts.policy.learner_refused; the API asks the same predicate through a
    DRF permission, which also sees token authentication). Impersonation does not exist,
    so a session is always its user's own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_origin.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            request_origin.reset(token)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match else ""
        if not learner_refused(request.user, name, request.method or "GET"):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": LEARNER_DENIED, "errors": {}}, status=403)
        # The school's Russian 403 page (issue #15), saying why: staff pages only.
        return HttpResponseForbidden(render_to_string("403.html", {"detail": LEARNER_DENIED}))
