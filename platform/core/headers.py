"""Security headers Django has no setting for (issue #11, OWASP ASVS V3.4).

The Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY);
this adds the Permissions-Policy: the journal uses no camera, microphone, location,
payment or other powerful browser feature, so every page switches them all off.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
