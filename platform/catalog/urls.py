"""Routes of the catalog: the operator's API (public host) and the TPL-4 API (school hosts)."""

from __future__ import annotations

from django.urls import path

from catalog import api, views

public_urlpatterns = [
    path(
        "api/v1/catalog/regulations/",
        api.RegulationTemplateListApi.as_view(),
        name="api-catalog-regulations",
    ),
    path(
        "api/v1/catalog/regulations/<int:template_id>/versions/",
        api.RegulationVersionListApi.as_view(),
        name="api-catalog-regulation-versions",
    ),
    path(
        "api/v1/catalog/regulations/<int:template_id>/make-default/",
        api.RegulationTemplateDefaultApi.as_view(),
        name="api-catalog-regulation-default",
    ),
    path(
        "api/v1/catalog/regulation-versions/<int:version_id>/",
        api.RegulationVersionDetailApi.as_view(),
        name="api-catalog-version",
    ),
    path(
        "api/v1/catalog/regulation-versions/<int:version_id>/publish/",
        api.RegulationVersionPublishApi.as_view(),
        name="api-catalog-version-publish",
    ),
    path(
        "api/v1/catalog/period-schemes/",
        api.PeriodSchemeListApi.as_view(),
        name="api-catalog-period-schemes",
    ),
    path(
        "api/v1/catalog/period-schemes/<int:scheme_id>/calendars/",
        api.PeriodCalendarApi.as_view(),
        name="api-catalog-period-calendars",
    ),
    path(
        "api/v1/catalog/report-forms/",
        api.ReportFormListApi.as_view(),
        name="api-catalog-report-forms",
    ),
    path("api/v1/catalog/adoptions/", api.AdoptionListApi.as_view(), name="api-catalog-adoptions"),
    path(
        "api/v1/catalog/adoptions/history/",
        api.AdoptionHistoryApi.as_view(),
        name="api-catalog-adoption-history",
    ),
]

# The regulation's page on a school's host is journal.web's `web:regulation` (public, with
# the director's order and the user guides); the catalog serves its API.
school_urlpatterns = [
    path("api/v1/regulation/", views.SchoolRegulationApi.as_view(), name="api-regulation"),
]
