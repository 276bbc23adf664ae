"""ROLE-2, one guard for learners on every authentication path (issue #11): a parent or a
pupil gets 403 from every staff route of the school API, signed in with a DRF token or with
a session, and from every staff page with a session; nothing is written.

Staff routes are found by walking config.urls_tenants: every DRF operation (view x method)
and every page the learners' list (settings.LEARNER_*) does not name. The 403 must be the
guard's own answer (its message), not a view's field errors or a CSRF refusal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.policy import LEARNER_DENIED, learner_may_open
from journal.register.models import Mark
from journal.structure.models import Subject
from tests.web.conftest import signed_in
from tests.world import World, build_world

API_METHODS = ("get", "post", "put", "patch", "delete")


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), ns + entry.name, entry.callback


def _path(route: str, world: World) -> str:
    # Ids of real rows where the name says what they are; the guard answers before any lookup.
    known = {
        "pupil_id": world.pupils[0].pk,
        "class_group_id": world.class5a.pk,
        "lesson_id": world.lesson_today.pk,
        "assignment_id": world.math5a.pk,
        "period_id": world.period.pk,
        "year_id": world.year.pk,
    }
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(known.get(str(m.group(1)), 1)), route)


def staff_api_operations(world: World) -> list[tuple[str, str, str]]:
    """(method, path, view name) of every DRF operation a learner may not call."""
    found = []
    for route, name, callback in _walk(get_resolver("config.urls_tenants").url_patterns):
        view = getattr(callback, "cls", None)
        if not (isinstance(view, type) and issubclass(view, APIView)):
            continue
        for method in API_METHODS:
            if hasattr(view, method) and not learner_may_open(name, method.upper()):
                found.append((method, _path(route, world), name))
    return found


def staff_pages(world: World) -> list[tuple[str, str]]:
    """(path, view name) of every non-API page a learner may not open."""
    return [
        (_path(route, world), name)
        for route, name, callback in _walk(get_resolver("config.urls_tenants").url_patterns)
        if not route.startswith("api/")
        and not isinstance(getattr(callback, "cls", None), type)
        and not learner_may_open(name, "GET")
    ]


@pytest.fixture
def world(school1: Any) -> World:
    with schema_context("school1"):
        return build_world()


def token_client(user: Any) -> APIClient:
    with schema_context("school1"):
        token, _ = Token.objects.get_or_create(user=user)
    client = APIClient(HTTP_HOST="school1.localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _guard_refused(response: Any, api: bool) -> bool:
    if response.status_code != 403:
        return False
    if not api:
        return LEARNER_DENIED in response.content.decode()
    if response["Content-Type"] == "application/json":
        return bool(response.json() == {"detail": LEARNER_DENIED, "errors": {}})
    # The schema and docs views render their refusal as OpenAPI YAML / the Swagger page,
    # and admit anyone else (AllowAny): a 403 there is the guard's.
    return response.request["PATH_INFO"] in ("/api/schema/", "/api/docs/")


def _counts() -> tuple[int, int]:
    with schema_context("school1"):
        return Mark.objects.count(), Subject.objects.count()


@pytest.mark.parametrize("persona", ["parent", "pupil"])
@pytest.mark.parametrize("path_kind", ["token", "session"])
def test_learner_gets_403_from_every_staff_api_route(
    world: World, persona: str, path_kind: str, capsys: Any
) -> None:
    user = world.users[persona]
    client = token_client(user) if path_kind == "token" else signed_in(user)
    operations = staff_api_operations(world)
    before = _counts()
    wrong = {}
    for method, path, name in operations:
        kwargs = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
        response = getattr(client, method)(path, **kwargs)
        if not _guard_refused(response, api=True):
            wrong[f"{method.upper()} {path} ({name})"] = response.status_code
    with capsys.disabled():
        print(f"\n{persona} with a {path_kind}: {len(operations)} staff API operations -> 403")
    assert len(operations) >= 45, operations
    marks = f"/api/v1/register/lessons/{world.lesson_today.pk}/marks/"
    assert ("post", marks, "journal:marks-save") in operations
    assert not wrong, wrong
    assert _counts() == before


@pytest.mark.parametrize("persona", ["parent", "pupil"])
def test_learner_session_gets_403_from_every_staff_page(
    world: World, persona: str, capsys: Any
) -> None:
    client: Client = signed_in(world.users[persona])
    pages = staff_pages(world)
    wrong = {}
    for path, name in pages:
        # Their own messages' writes are theirs (settings.LEARNER_WRITE_URL_NAMES, issue #16).
        for method in (m for m in ("get", "post") if not learner_may_open(name, m.upper())):
            response = getattr(client, method)(path)
            if not _guard_refused(response, api=False):
                wrong[f"{method.upper()} {path} ({name})"] = response.status_code
    with capsys.disabled():
        print(f"\n{persona} with a session: {len(pages)} staff pages x GET/POST -> 403")
    assert len(pages) >= 20, pages
    assert not wrong, wrong


def test_a_token_parent_staff_write_gets_the_guard_not_field_errors(world: World) -> None:
    """The issue's case: a parent's token on a staff-only write was answered with 400 field
    errors (the view ran); now the guard answers first and nothing is created."""
    client = token_client(world.users["parent"])
    response = client.post("/api/v1/structure/subjects/create/", {}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": LEARNER_DENIED, "errors": {}}


def test_the_learners_own_views_still_open_with_a_token(world: World) -> None:
    client = token_client(world.users["parent"])
    pupil = world.pupils[0].pk
    assert client.get("/api/v1/me/").status_code == 200
    assert client.get(f"/api/v1/roster/pupils/{pupil}/").status_code == 200
    progress = client.get(f"/api/v1/register/pupils/{pupil}/progress/?period_id={world.period.pk}")
    assert progress.status_code == 200
    # ... and not another family's child (the selector's for_user, not the guard).
    other = client.get(f"/api/v1/roster/pupils/{world.other_pupil.pk}/")
    assert other.status_code == 404
