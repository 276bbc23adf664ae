"""URLs between the portal and the schools' hosts (same scheme and port as the request)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def _port_suffix(request: HttpRequest) -> str:
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    return "" if not port or port == default else f":{port}"


def site_url(request: HttpRequest, host: str, path: str) -> str:
    return f"{request.scheme}://{host}{_port_suffix(request)}{path}"


def portal_url(request: HttpRequest, path: str) -> str:
    return site_url(request, settings.PLATFORM_DOMAIN, path)
