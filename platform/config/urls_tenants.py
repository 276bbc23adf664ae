"""A school's host."""

from __future__ import annotations

from django.urls import include, path

from catalog.urls import school_urlpatterns as catalog_urls
from config.urls_common import urlpatterns as common
from core.views import school_home

urlpatterns = [
    *common,
    *catalog_urls,
    path("api/v1/", include("journal.urls")),
    path("", school_home, name="home"),
]
