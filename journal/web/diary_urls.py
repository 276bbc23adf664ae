"""The diary's routes, in their own namespace: parent and pupil sessions may read only the
`diary` namespace (the identity issue's session guard, ROLE-2)."""

from __future__ import annotations

from django.urls import path

from journal.web import views

app_name = "diary"

urlpatterns = [
    path("diary/", views.diary, name="index"),
    # Homework files: read by staff, pupils and parents alike (the view checks the lesson).
    path(
        "lessons/<int:lesson_id>/files/<int:attachment_id>/",
        views.homework_file,
        name="homework_file",
    ),
]
