"""A school's host."""

from __future__ import annotations

from django.urls import include, path

from catalog.urls import school_urlpatterns as catalog_urls
from config.urls_common import schema_urlpatterns
from config.urls_common import urlpatterns as common
from journal.identity.urls import sso_urlpatterns
from journal.web.home import start

urlpatterns = [
    *common,
    *schema_urlpatterns("config.urls_tenants"),
    *catalog_urls,
    path("api/v1/", include("journal.urls")),
    *sso_urlpatterns,
    path("api/v1/identity/", include("journal.identity.urls")),
    path("", include("journal.web.urls")),
    path("", include("journal.web.diary.urls")),
    path("", start, name="home"),
]

# Outages of PostgreSQL/Redis become 503 with Retry-After (TEN-3); other errors stay 500.
handler500 = "core.outage.server_error"
