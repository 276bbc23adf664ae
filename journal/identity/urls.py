"""School-host routes of identity: the SSO hand-over and the staff API (/api/v1/identity/)."""

from __future__ import annotations

from django.urls import path

from journal.identity import api, views

sso_urlpatterns = [
    path("sso/begin/", views.sso_begin, name="sso-begin"),
    path("sso/enter/", views.sso_enter, name="sso-enter"),
]

app_name = "identity_school"
urlpatterns = [
    path("temporary-logins/", api.TemporaryLoginListApi.as_view(), name="temporary-logins"),
    path(
        "temporary-logins/<int:temporary_login_id>/revoke/",
        api.TemporaryLoginRevokeApi.as_view(),
        name="temporary-login-revoke",
    ),
    path("invitations/", api.InvitationIssueApi.as_view(), name="invitations"),
    path("attributes/", api.IdentityAttributeApi.as_view(), name="attributes"),
    path(
        "staff/<int:user_id>/password-reset/",
        api.StaffPasswordResetApi.as_view(),
        name="password-reset",
    ),
    path(
        "classes/<int:class_group_id>/participation/",
        api.ParticipationApi.as_view(),
        name="participation",
    ),
]
