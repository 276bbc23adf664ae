"""School administration pages (issue #5), under /manage/ in the `web` namespace."""

from __future__ import annotations

from django.urls import path

from journal.web import manage_more_views as more
from journal.web import manage_views as views

urlpatterns = [
    path("classes/", views.classes, name="manage_classes"),
    path("classes/<int:class_group_id>/teacher/", views.class_teacher, name="manage_class_teacher"),
    path("classes/<int:class_group_id>/subgroups/", views.subgroups, name="manage_subgroups"),
    path("staff/", views.staff, name="manage_staff"),
    path(
        "staff/<int:staff_id>/deactivate/", views.staff_deactivate, name="manage_staff_deactivate"
    ),
    path(
        "staff/<int:staff_id>/reactivate/", views.staff_reactivate, name="manage_staff_reactivate"
    ),
    path("pupils/", views.pupils, name="manage_pupils"),
    path("parents/", views.parents, name="manage_parents"),
    path("parents/link/", views.parent_link, name="manage_parent_link"),
    path("assignments/", views.assignments, name="manage_assignments"),
    path("timetable/", views.timetable, name="manage_timetable"),
    path("years/", views.years, name="manage_years"),
    path("years/<int:year_id>/periods/", more.year_periods, name="manage_year_periods"),
    path("bells/", more.bells, name="manage_bells"),
    path("breaks/", more.breaks, name="manage_breaks"),
    path("movement/", more.movement, name="manage_movement"),
    path("pupils/<int:pupil_id>/", more.pupil, name="manage_pupil"),
    path("pupils/<int:pupil_id>/move/", more.pupil_move, name="manage_pupil_move"),
    path("pupils/<int:pupil_id>/consent/", more.pupil_consent, name="manage_pupil_consent"),
    path(
        "pupils/<int:pupil_id>/consent/<int:consent_id>/revoke/",
        more.pupil_consent_revoke,
        name="manage_pupil_consent_revoke",
    ),
]
