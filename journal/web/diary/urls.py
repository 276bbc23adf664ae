"""The diary's routes, in their own namespace: parent and pupil sessions may read only the
`diary` namespace (settings.LEARNER_READ_NAMESPACES, the session guard of ROLE-2)."""

from __future__ import annotations

from django.urls import path

from journal.web.diary import views

app_name = "diary"

urlpatterns = [
    path("diary/", views.diary, name="index"),
    # The weekly timetable with bell times and rooms (SET-3), the learner's own class.
    path("diary/timetable/", views.timetable, name="timetable"),
    # A parent's «Ознакомлен(а)» for a period's marks (002 Регламент п.3): the learners'
    # one write, listed in settings.LEARNER_URL_NAMES.
    path("diary/acknowledge/", views.marks_acknowledge, name="marks-acknowledge"),
    # Homework files: read by staff, pupils and parents alike (the selector checks the lesson).
    path(
        "lessons/<int:lesson_id>/files/<int:attachment_id>/",
        views.homework_file,
        name="homework-file",
    ),
]
