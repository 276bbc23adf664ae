"""A school's host."""

from __future__ import annotations

from django.urls import include, path

from catalog.urls import school_urlpatterns as catalog_urls
from config.urls_common import schema_urlpatterns
from config.urls_common import urlpatterns as common
from identity_school.urls import sso_urlpatterns
from journal.web.views import start

urlpatterns = [
    *common,
    *schema_urlpatterns("config.urls_tenants"),
    *catalog_urls,
    path("api/v1/", include("journal.urls")),
    *sso_urlpatterns,
    path("api/v1/identity/", include("identity_school.urls")),
    path("", include("journal.web.urls")),
    path("", include("journal.web.diary_urls")),
    path("", start, name="home"),
]
