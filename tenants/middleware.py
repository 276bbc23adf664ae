"""Tenant resolution with the host lookup cached, and closed schools answered with 503."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from core.tenancy import db
from tenants.models import Domain, School
from tenants.selectors import school_for_host


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware, minus its per-request query to the domain table.

    An unknown host raises Http404 (the stock behaviour); a suspended or archived
    school gets a Russian 503 page and nothing of the school runs.
    """

    def get_tenant(self, domain_model: Any, hostname: str) -> School:
        school = school_for_host(hostname)
        if school is None:
            raise Domain.DoesNotExist(hostname)
        return school

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        response = super().process_request(request)
        if response is not None:
            return response
        school: School = request.tenant  # type: ignore[attr-defined]
        if request.path.startswith(settings.STATIC_URL):
            return None  # the same files for every school: a closed school's page keeps its CSS
        if school.status != School.Status.ACTIVE and not school.is_public:
            db.set_schema_to_public()
            body = render_to_string(
                "core/school_unavailable.html",
                {
                    "school_name": school.short_name or school.name,
                    "archived": school.status == School.Status.ARCHIVED,
                },
            )
            unavailable = HttpResponse(body, status=503)
            unavailable["Retry-After"] = "3600"
            return unavailable
        try:
            import sentry_sdk

            sentry_sdk.set_tag("schema", school.schema_name)
        except ImportError:  # pragma: no cover - sentry-sdk is a dependency
            pass
        return None
