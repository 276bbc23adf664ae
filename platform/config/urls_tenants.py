"""A school's host."""

from __future__ import annotations

from django.urls import path

from config.urls_common import urlpatterns as common
from core.views import school_home

urlpatterns = [
    *common,
    path("", school_home, name="home"),
]
