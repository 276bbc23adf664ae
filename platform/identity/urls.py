"""The SSO portal's routes (public host), included under /sso/."""

from __future__ import annotations

from django.urls import path

from identity import views

app_name = "identity"

urlpatterns = [
    path("", views.portal, name="portal"),
    path("login/", views.sso_login, name="login"),
    path("callback/", views.sso_callback, name="callback"),
    path("invitation/", views.invitation_redeem, name="invitation"),
    path("handover/<int:school_id>/", views.handover, name="handover"),
    path("logout/", views.sso_logout, name="logout"),
]
