from django.urls import path

from department import api

app_name = "department-api"
file_view = api.ReportFileApi.as_view()
urlpatterns = [
    path("periods/", api.PeriodListApi.as_view(), name="periods"),
    path("overview/", api.OverviewApi.as_view(), name="overview"),
    path("table/", api.TableApi.as_view(), name="table"),
    path("charts/<slug:name>/", api.ChartApi.as_view(), name="chart"),
    path("reports/", api.ReportListApi.as_view(), name="reports"),
    path("reports/<slug:code>/", api.ReportApi.as_view(), name="report"),
    path("reports/<slug:code>/pdf/", file_view, {"fmt": "pdf"}, name="report-pdf"),
    path("reports/<slug:code>/xlsx/", file_view, {"fmt": "xlsx"}, name="report-xlsx"),
]
