"""Routes every host has."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import MeApi
from accounts.views import SignInView, otp_step, password_first_change
from core.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/me/", MeApi.as_view(), name="api-me"),
    # Staff sign-in (SEC-3): password, forced change, TOTP for privileged roles.
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/password/first/", password_first_change, name="password_first_change"),
    path("accounts/otp/", otp_step, name="otp"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]


def schema_urlpatterns(urlconf: str) -> list[URLPattern]:
    """/api/schema/ and /api/docs/ describing this host's URLconf only (issue #11): the
    public host documents the operator's API, a school's host the school's. The split
    Swagger view serves its start-up script as a file (no inline script: CSP)."""
    return [
        path("api/schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="api-schema"),
        path(
            "api/docs/",
            SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
            name="api-docs",
        ),
    ]
