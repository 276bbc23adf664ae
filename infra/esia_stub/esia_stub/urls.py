"""The stand-in's routes: the provider's endpoints at the root (the issuer is the origin)."""

from __future__ import annotations

from django.urls import include, path, re_path
from oauth2_provider import views as oauth

from esia_stub import views

provider = [
    path("authorize/", views.EsiaAuthorizationView.as_view(), name="authorize"),
    path("token/", oauth.TokenView.as_view(), name="token"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        oauth.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", oauth.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", oauth.UserInfoView.as_view(), name="user-info"),
]
pages = [
    path("", views.index, name="index"),
    path("login/", views.login_view, name="login"),
]

urlpatterns = [
    path("", include((provider, "oauth2_provider"))),
    path("", include((pages, "esia_stub"))),
]
