"""HTML views declare their methods (issue #11): a method a page does not take gets 405,
on the public host (console, regulation, home) as on the school host (journal/web has its
own sweep in tests/web/test_page_matrix.py).

Every plain Django view of the public URLconf is tried with PUT and DELETE by a signed-in
operator; none may answer with anything but 405 (a 200 would mean the view ran its GET or
POST branch for a method it never meant to take).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC_URLCONF = "config.urls_public"
# Not pages of ours: DRF views (their own 405s, tested by schemathesis), static and media
# serving, health probes (GET only by Django's own view), the admin-less auth views.
SKIP_PREFIXES = ("api/", "static/", "healthz", "readyz", "accounts/", "sso/", "__")


def _pages(resolver: URLResolver, prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _pages(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            callback = entry.callback
            if hasattr(callback, "cls") or route.startswith(SKIP_PREFIXES):
                continue  # a DRF view, or not a page of ours
            found.append((route, callback))
    return found


def _path(route: str) -> str:
    """A concrete path for a route: ids 1, action 'suspend'."""
    path = route.replace("^", "").replace("$", "")
    converters = (
        "<int:school_id>",
        "<int:template_id>",
        "<int:version_id>",
        "<int:pk>",
        "<int:package_id>",
    )
    for converter in converters:
        path = path.replace(converter, "1")
    path = path.replace("<str:action>", "suspend").replace("<slug:action>", "suspend")
    path = path.replace("<slug:code>", "department-class-results")
    return "/" + path


def test_every_public_page_answers_405_to_a_method_it_does_not_take(operator: Any) -> None:
    pages = _pages(get_resolver(PUBLIC_URLCONF))
    assert len(pages) >= 8, pages  # console schools, templates, free check, home...
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    wrong = {}
    for route, _callback in pages:
        assert "<" not in _path(route), f"no concrete path for {route}"
        for method in ("put", "delete"):
            response = getattr(client, method)(_path(route))
            if response.status_code != 405:
                wrong[f"{method.upper()} {_path(route)}"] = response.status_code
    assert not wrong, wrong


@pytest.mark.parametrize("path", ["/", "/regulation/"])
def test_school_host_pages_outside_journal_web_answer_405(world: Any, path: str) -> None:
    from django_tenants.utils import schema_context

    client = Client(HTTP_HOST="school1.localhost")
    with schema_context("school1"):
        client.force_login(world.users["director"])
    assert client.delete(path).status_code == 405
    assert client.put(path).status_code == 405
