from django.urls import path

from console import archive_views, free_check_views, rollup_views, templates_views, views

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
    # Archive (issue #14): per school packages, states, heads; retention confirmations.
    path("archive/", archive_views.archive, name="archive"),
    path(
        "archive/<int:school_id>/packages/<int:package_id>/delete/",
        archive_views.archive_delete,
        name="archive-delete",
    ),
    # The department's rollups (issue #13): freshness per school, failures, a refresh.
    path("rollups/", rollup_views.rollups, name="rollups"),
    path("rollups/<int:school_id>/refresh/", rollup_views.rollup_refresh, name="rollup-refresh"),
    path("schools/<int:school_id>/<str:action>/", views.school_status, name="school-status"),
]
