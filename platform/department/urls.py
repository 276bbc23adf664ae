from django.urls import path

from department import views

app_name = "department"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("table/", views.table, name="table"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export-csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("reports/", views.reports, name="reports"),
    path("reports/<slug:code>/", views.report, name="report"),
    path("reports/<slug:code>.pdf", views.report_file, {"fmt": "pdf"}, name="report-pdf"),
    path("reports/<slug:code>.xlsx", views.report_file, {"fmt": "xlsx"}, name="report-xlsx"),
    *[
        path(f"charts/{name}.json", views.chart, {"name": name}, name=f"chart-{name}")
        for name in ("trend", "schools", "distribution")
    ],
]
