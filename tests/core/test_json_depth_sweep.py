"""Bad input gets a clear 400 (issue #11): a JSON body nested 5,000 levels deep is refused
on every JSON write route of both hosts, never a RecursionError 500.

The sweep walks the URLconfs themselves (config.urls_tenants on school1's host and
config.urls_public on the public host), so a new route is covered the day it is added.
Ids in the paths are real rows of the school or the catalogue; the caller is a user the
route admits. Also: the bounded parser's size limit (413) and its depth limit near the
boundary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import User
from core.parsers import BoundedJSONParser, json_depth
from tests.journal.test_access_matrix import (
    ENDPOINTS,
    add_absence,
    add_attestation,
    add_mark,
    add_remark,
    add_thread,
)
from tests.world import World, build_world

DEEP = "[" * 5000 + "]" * 5000
WRITE_METHODS = ("post", "put", "patch")


@dataclass(frozen=True)
class Route:
    path: str  # the URL pattern, e.g. "api/v1/roster/pupils/<int:pupil_id>/consent/"
    name: str
    view: type[APIView]
    methods: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def json_write_routes(urlconf: str) -> list[Route]:
    """Every DRF view of the URLconf with a write method that accepts JSON."""
    found = []
    for path, pattern in _walk(get_resolver(urlconf).url_patterns):
        view = getattr(pattern.callback, "cls", None)
        if not (isinstance(view, type) and issubclass(view, APIView)):
            continue
        methods = tuple(m for m in WRITE_METHODS if hasattr(view, m))
        takes_json = any(issubclass(p, BoundedJSONParser) for p in view().parser_classes)
        if methods and takes_json:
            found.append(Route(path, pattern.name or "", view, methods))
    return found


def fill(path: str, ids: dict[str, int]) -> str:
    return "/" + re.sub(r"<(?:int:)?(\w+)>", lambda m: str(ids[str(m.group(1))]), path)


@pytest.fixture
def world(school1: Any) -> World:
    with schema_context("school1"):
        return build_world()


def school_ids(world: World) -> dict[str, int]:
    from journal.attestation.models import AttestationEvent
    from journal.control.models import Remark
    from journal.identity.services import temporary_login_issue
    from journal.register.models import Attendance, Mark

    with schema_context("school1"):
        add_mark(world)
        add_absence(world)
        add_remark(world)
        add_attestation(world)
        add_thread(world)  # messages (issue #16): a thread, its message and a report
        from journal.messaging.models import Message, MessageReport, Thread

        messaging_ids = {
            "thread_id": Thread.objects.get().pk,
            "message_id": Message.objects.get().pk,
            "report_id": MessageReport.objects.get().pk,
        }
        temporary, _, _ = temporary_login_issue(
            pupil=world.pupils[0],
            request_reason="Заявление родителя",
            request_date=world.today,
            by=world.users["class_teacher"],
        )
        return {
            "year_id": world.year.pk,
            "class_group_id": world.class5a.pk,
            "pupil_id": world.pupils[0].pk,
            "assignment_id": world.math5a.pk,
            "period_id": world.period.pk,
            "lesson_id": world.lesson_today.pk,
            "mark_id": Mark.objects.get().pk,
            "attendance_id": Attendance.objects.get().pk,
            "temporary_login_id": temporary.pk,
            "user_id": world.users["teacher"].pk,
            "remark_id": Remark.objects.get().pk,
            "event_id": AttestationEvent.objects.get().pk,
            **messaging_ids,
        }


# Who calls a school route: one the access matrix admits (the director where it may),
# and for the identity records the class teacher (SEC-1/2) or the director (SEC-3).
IDENTITY_CALLER = {
    "temporary-logins": "class_teacher",
    "temporary-login-revoke": "class_teacher",
    "invitations": "class_teacher",
    "attributes": "class_teacher",
    "password-reset": "director",
}


def school_caller(name: str) -> str:
    if name in IDENTITY_CALLER:
        return IDENTITY_CALLER[name]
    allowed = next((e.allowed for e in ENDPOINTS if e.name == name), {"director"})
    return "director" if "director" in allowed else sorted(allowed)[0]


def send_deep(client: APIClient, method: str, url: str) -> Any:
    return getattr(client, method)(url, DEEP, content_type="application/json")


def test_deep_json_gets_400_on_every_school_route(world: World, capsys: Any) -> None:
    routes = json_write_routes("config.urls_tenants")
    ids = school_ids(world)
    failures = {}
    swept = 0
    for route in routes:
        client = APIClient(HTTP_HOST="school1.localhost")
        client.force_authenticate(world.users[school_caller(route.name)])
        for method in route.methods:
            response = send_deep(client, method, fill(route.path, ids))
            swept += 1
            body = response.json() if response.status_code < 500 else {}
            if response.status_code != 400 or "вложенность" not in body.get("detail", ""):
                failures[f"{method.upper()} {route.path}"] = (
                    response.status_code,
                    response.content[:200],
                )
    with capsys.disabled():
        print(f"\nschool host: {swept} JSON write operations swept with a 5,000-deep body")
    assert len(routes) >= 30, [r.path for r in routes]
    assert not failures, failures


@pytest.fixture
def catalog_ids(db: None, operator: User, school1: Any) -> dict[str, int]:
    from catalog import services
    from catalog.models import RegulationVersion
    from catalog.seed import DEFAULT_REGULATION_CODE

    default = RegulationVersion.objects.get(template__code=DEFAULT_REGULATION_CODE, number=1)
    draft = services.regulation_version_create(
        template=default.template,
        by=operator,
        title="Редакция 2",
        rules={"parent_printout_days": 14},
    )
    scheme = services.period_scheme_create(
        code="sweep",
        title="Четверти (проверка)",
        bands=[{"grades_from": 1, "grades_to": 11, "kind": "quarter"}],
        by=operator,
    )
    return {
        "template_id": default.template_id,
        "version_id": draft.pk,
        "scheme_id": scheme.pk,
        "school_id": school1.pk,
    }


def test_deep_json_gets_400_on_every_public_route(
    operator_client: APIClient, catalog_ids: dict[str, int], capsys: Any
) -> None:
    routes = json_write_routes("config.urls_public")
    failures = {}
    swept = 0
    for route in routes:
        for method in route.methods:
            response = send_deep(operator_client, method, fill(route.path, catalog_ids))
            swept += 1
            body = response.json() if response.status_code < 500 else {}
            if response.status_code != 400 or "вложенность" not in body.get("detail", ""):
                failures[f"{method.upper()} {route.path}"] = (
                    response.status_code,
                    response.content[:200],
                )
    with capsys.disabled():
        print(f"\npublic host: {swept} JSON write operations swept with a 5,000-deep body")
    assert len(routes) >= 10, [r.path for r in routes]
    assert not failures, failures


def test_depth_limit_boundary_and_error_shape(world: World) -> None:
    """64 levels pass the parser (the serializer answers), 65 do not; the error is ours."""
    client = world.client("director")
    url = "/api/v1/structure/subjects/create/"
    at_limit = client.post(url, "[" * 64 + "]" * 64, content_type="application/json")
    assert at_limit.status_code == 400
    assert at_limit.json()["detail"] == "Проверьте введённые данные."
    over = client.post(url, "[" * 65 + "]" * 65, content_type="application/json")
    assert over.status_code == 400
    assert over.json() == {
        "detail": "Слишком глубокая вложенность JSON (больше 64).",
        "errors": {},
    }


def test_brackets_inside_strings_do_not_count() -> None:
    assert json_depth(b'{"title": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}') == 1
    assert json_depth(b'{"a": "\\"[[[", "b": [[1], {"c": []}]}') == 4
    assert json_depth(b"42") == 0


def test_body_over_a_mebibyte_gets_413(world: World) -> None:
    from journal.structure.models import Subject

    client = world.client("director")
    big = '{"title": "' + "я" * (600 * 1024) + '"}'  # > 1 MiB in UTF-8
    with schema_context("school1"):
        before = Subject.objects.count()
    response = client.post(
        "/api/v1/structure/subjects/create/", big, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "Тело запроса больше 1024 КиБ."
    with schema_context("school1"):
        assert Subject.objects.count() == before


def test_malformed_json_on_a_bodiless_write_is_refused_and_nothing_happens(
    operator_client: APIClient, school1: Any
) -> None:
    """A write that reads no body (suspend) still refuses a malformed one, and acts not."""
    from tenants.models import School

    response = operator_client.post(
        f"/api/v1/schools/{school1.pk}/suspend/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert School.objects.get(pk=school1.pk).status == school1.status
