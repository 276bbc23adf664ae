from django.urls import path

from console import free_check_views, templates_views, views

app_name = "console"
urlpatterns = [
    path("schools/", views.schools, name="schools"),
    path("schools/new/", views.school_create, name="school-create"),
    path("templates/", templates_views.templates, name="templates"),
    path(
        "templates/<int:template_id>/versions/new/",
        templates_views.version_create,
        name="version-create",
    ),
    path(
        "templates/versions/<int:version_id>/publish/",
        templates_views.version_publish,
        name="version-publish",
    ),
    path("templates/adopt/", templates_views.adopt, name="adopt"),
    path("free-check/", free_check_views.free_check, name="free-check"),
    path("free-check/run/", free_check_views.free_check_run, name="free-check-run"),
    path(
        "free-check/schools/<int:school_id>/run/",
        free_check_views.free_check_school_run,
        name="free-check-school",
    ),
    path("schools/<int:school_id>/<str:action>/", views.school_status, name="school-status"),
]
