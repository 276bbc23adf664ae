"""The journal's API alone, mounted as on a school's host, for the strict schema check."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("api/v1/", include("journal.urls"))]
