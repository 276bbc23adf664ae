"""The class teacher's pupil and parent cards (issue #5), under /class/ in the `web` namespace."""

from __future__ import annotations

from django.urls import path

from journal.web import class_views

urlpatterns = [
    path("pupils/", class_views.class_pupils, name="class_pupils"),
    path("pupils/<int:pupil_id>/", class_views.pupil_card, name="pupil_card"),
    path(
        "pupils/<int:pupil_id>/temporary-login/",
        class_views.temporary_login_issue,
        name="temporary_login_issue",
    ),
    path(
        "temporary-logins/<int:temporary_login_id>/revoke/",
        class_views.temporary_login_revoke,
        name="temporary_login_revoke",
    ),
]
