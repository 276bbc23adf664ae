from django.urls import path

from console import views

app_name = "console"
urlpatterns = [
    path("", views.schools, name="schools"),
    path("new/", views.school_create, name="school-create"),
    path("<int:school_id>/<str:action>/", views.school_status, name="school-status"),
]
