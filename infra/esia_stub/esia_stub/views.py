"""The stand-in's pages: the sign-in page and the authorization endpoint.

The authorization endpoint is django-oauth-toolkit's, with two ЕСИА habits added: a
client registered as ``esia`` must sign its request (``client_secret``, ``timestamp``,
``state``; checked before the sign-in page is shown), and every authorization asks for
the password again (a demo shows several people in one browser), like ``prompt=login``.

Like ЕСИА, the person is asked to grant the system access to the requested data (the
consent screen, «Предоставить» / «Отказать») before a code is issued. The toolkit's
``approval_prompt=auto`` remembers the answer per person and client: while a token it
issued to that client for those scopes is valid, the next sign-in does not ask again. A
refusal returns to the client as ``error=access_denied``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.views import AuthorizationView

from esia_stub.esia import signature_valid
from esia_stub.people import config

FRESH = "esia_stub.fresh_login"


def _client_name(next_url: str) -> str:
    query = parse_qs(urlsplit(next_url).query)
    client = config().client((query.get("client_id") or [""])[0])
    return client.name if client else ""


@never_cache
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "esia_stub/index.html", {"people": config().people})


@never_cache
@csrf_protect
@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    error = ""
    login_value = ""
    if request.method == "POST":
        login_value = request.POST.get("login", "")
        user = authenticate(request, username=login_value, password=request.POST.get("password"))
        if user is not None:
            login(request, user)
            request.session[FRESH] = True
            return HttpResponseRedirect(next_url or resolve_url("esia_stub:index"))
        error = "Неверный логин или пароль"
    return render(
        request,
        "esia_stub/login.html",
        {
            "next": next_url,
            "error": error,
            "login_value": login_value,
            "client_name": _client_name(next_url),
            "people": config().people,
        },
        status=401 if error else 200,
    )


class EsiaAuthorizationView(AuthorizationView):
    template_name = "esia_stub/consent.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "GET":
            refused = self._signature_refusal(request)
            if refused is not None:
                return refused
            if request.user.is_authenticated and not request.session.pop(FRESH, False):
                logout(request)
                return redirect_to_login(request.get_full_path(), resolve_url("esia_stub:login"))
        return super().dispatch(request, *args, **kwargs)

    def _signature_refusal(self, request: HttpRequest) -> HttpResponse | None:
        query = request.GET
        client = config().client(query.get("client_id", ""))
        if client is None or client.auth != "esia":
            return None
        if signature_valid(
            public_key_pem=client.public_key,
            scope=query.get("scope", ""),
            timestamp=query.get("timestamp", ""),
            client_id=client.client_id,
            state=query.get("state", ""),
            secret=query.get("client_secret", ""),
        ):
            return None
        return render(
            request,
            "esia_stub/error.html",
            {
                "title": "Запрос не прошёл проверку",
                "message": "Подпись запроса информационной системы неверна или устарела "
                "(client_secret, timestamp). Вернитесь в систему и начните вход заново.",
            },
            status=400,
        )
