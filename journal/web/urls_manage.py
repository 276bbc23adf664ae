"""School administration pages (issue #5), under /manage/ in the `web` namespace."""

from __future__ import annotations

from django.urls import path

from journal.web import manage_views as views

urlpatterns = [
    path("classes/", views.classes, name="manage_classes"),
    path("classes/<int:class_group_id>/teacher/", views.class_teacher, name="manage_class_teacher"),
    path("classes/<int:class_group_id>/subgroups/", views.subgroups, name="manage_subgroups"),
    path("staff/", views.staff, name="manage_staff"),
    path("pupils/", views.pupils, name="manage_pupils"),
    path("parents/", views.parents, name="manage_parents"),
    path("parents/link/", views.parent_link, name="manage_parent_link"),
    path("assignments/", views.assignments, name="manage_assignments"),
    path("timetable/", views.timetable, name="manage_timetable"),
    path("years/", views.years, name="manage_years"),
]
