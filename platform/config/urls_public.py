"""The municipality's public host: operator and department."""

from __future__ import annotations

from django.urls import include, path

from billing_free_check.api import SchoolAuditListApi
from catalog.urls import public_urlpatterns as catalog_urls
from config.urls_common import schema_urlpatterns
from config.urls_common import urlpatterns as common
from core.views import public_home
from tenants.api import SchoolListApi, SchoolStatusApi

urlpatterns = [
    *common,
    *schema_urlpatterns("config.urls_public"),
    *catalog_urls,
    path(
        "api/v1/free-check/audits/",
        SchoolAuditListApi.as_view(),
        name="api-free-check-audits",
    ),
    path("", public_home, name="home"),
    # SEC-1: "Войти через Госуслуги" and the hand-over to the schools.
    path("sso/", include("identity.urls")),
    path("console/", include("console.urls")),
    # The education department's statistics (issue #13): aggregates only.
    path("department/", include("department.urls")),
    path("api/v1/department/", include("department.api_urls")),
    path("api/v1/schools/", SchoolListApi.as_view(), name="api-schools"),
    path(
        "api/v1/schools/<int:school_id>/suspend/",
        SchoolStatusApi.as_view(action="suspend"),
        name="api-school-suspend",
    ),
    path(
        "api/v1/schools/<int:school_id>/resume/",
        SchoolStatusApi.as_view(action="resume"),
        name="api-school-resume",
    ),
    path(
        "api/v1/schools/<int:school_id>/archive/",
        SchoolStatusApi.as_view(action="archive"),
        name="api-school-archive",
    ),
]

# Outages of PostgreSQL/Redis become 503 with Retry-After (TEN-3); other errors stay 500.
handler500 = "core.outage.server_error"
