"""Routes of the school's pages (included at the root of a school's host)."""

from __future__ import annotations

from django.urls import include, path

from journal.web import views

app_name = "web"

urlpatterns = [
    path("teacher/today/", views.today, name="today"),
    path("journals/", views.journals, name="journals"),
    path("journals/<int:assignment_id>/", views.grid, name="grid"),
    path("lessons/<int:lesson_id>/", views.lesson, name="lesson"),
    path("lessons/<int:lesson_id>/save/", views.lesson_save, name="lesson_save"),
    path(
        "lessons/<int:lesson_id>/files/upload/",
        views.homework_file_upload,
        name="homework_file_upload",
    ),
    path(
        "lessons/<int:lesson_id>/files/<int:attachment_id>/remove/",
        views.homework_file_remove,
        name="homework_file_remove",
    ),
    path("marks/<int:mark_id>/correct/", views.mark_correct, name="mark_correct"),
    path("control/", views.control, name="control"),
    path("class/day/", views.class_day, name="class_day"),
    path(
        "class/attendance/<int:attendance_id>/reason/",
        views.attendance_reason,
        name="attendance_reason",
    ),
    path("manage/plans/import/", views.plan_import, name="plan_import"),
    path("class/", include("journal.web.urls_class")),
    path("manage/", include("journal.web.urls_manage")),
]
