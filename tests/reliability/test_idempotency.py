"""Idempotency-Key on writes (issue #11, MRK-2; IETF draft "The Idempotency-Key HTTP Header
Field"): a retried write replays its first answer instead of appending a second mark."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from idempotency.models import IdempotencyRecord
from idempotency.services import idempotency_purge
from journal.register.models import Mark
from tests.world import World, build_world, make_user


@pytest.fixture
def world(school1: Any) -> Iterator[World]:
    with schema_context("school1"):
        yield build_world()


def token_client(user: Any, host: str = "school1.localhost") -> APIClient:
    with schema_context("public" if host == "localhost" else host.split(".")[0]):
        key = Token.objects.get_or_create(user=user)[0].key
    return APIClient(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {key}")


def marks_url(world: World) -> str:
    return f"/api/v1/register/lessons/{world.lesson_today.pk}/marks/"


def one_mark(world: World, value: int = 5) -> dict[str, Any]:
    return {"marks": [{"pupil_id": world.pupils[0].pk, "value": value, "work_kind": "oral"}]}


def mark_count(world: World) -> int:
    with schema_context("school1"):
        return Mark.objects.filter(lesson=world.lesson_today).count()


def test_repeated_key_replays_the_first_answer_and_creates_one_mark(world: World) -> None:
    client = token_client(world.users["teacher"])
    first = client.post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    again = client.post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert json.loads(again.content) == first.json()
    assert mark_count(world) == 1
    # The draft's Structured Field form ("...") names the same key.
    quoted = client.post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY='"k-1"'
    )
    assert quoted["Idempotent-Replayed"] == "true"
    assert mark_count(world) == 1


def test_without_a_key_each_post_appends_a_mark(world: World) -> None:
    client = token_client(world.users["teacher"])
    assert client.post(marks_url(world), one_mark(world), format="json").status_code == 201
    assert client.post(marks_url(world), one_mark(world), format="json").status_code == 201
    assert mark_count(world) == 2


def test_same_key_with_another_body_is_422_and_writes_nothing(world: World) -> None:
    client = token_client(world.users["teacher"])
    client.post(marks_url(world), one_mark(world, 5), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = client.post(
        marks_url(world), one_mark(world, 3), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert other.status_code == 422
    assert "другого запроса" in other.json()["detail"]
    assert mark_count(world) == 1


def test_a_failed_write_keeps_no_key_so_the_retry_runs(world: World) -> None:
    client = token_client(world.users["teacher"])
    bad = {"marks": [{"pupil_id": world.pupils[0].pk, "value": 9, "work_kind": "oral"}]}
    assert (
        client.post(marks_url(world), bad, format="json", HTTP_IDEMPOTENCY_KEY="k-3").status_code
        == 400
    )
    with schema_context("school1"):
        assert not IdempotencyRecord.objects.filter(key="k-3").exists()
    # The same body again is judged afresh (still 400), a corrected one under the key is new.
    fixed = client.post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert fixed.status_code == 201
    assert mark_count(world) == 1


def test_keys_are_per_user(world: World) -> None:
    """Another user's identical key is another key: nothing of the first is replayed to him."""
    with schema_context("school1"):
        world.math5a.teacher  # noqa: B018 - the assignment is the teacher's
        deputy = world.users["deputy"]
    first = token_client(world.users["teacher"]).post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert first.status_code == 201
    other = token_client(deputy).post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert "Idempotent-Replayed" not in other
    # A deputy sees the lesson but does not write marks: his own answer, 403 (ROLE-1).
    assert other.status_code == 403
    assert mark_count(world) == 1


def test_keys_are_kept_per_school(world: World, school2: Any) -> None:
    """The record lives in the school's own schema; another school never sees it."""
    token_client(world.users["teacher"]).post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="k-school"
    )
    with schema_context("school1"):
        assert IdempotencyRecord.objects.filter(key="k-school").count() == 1
    with schema_context("school2"):
        assert not IdempotencyRecord.objects.filter(key="k-school").exists()
        director2 = make_user("director2", "director")
    client = token_client(director2, host="school2.localhost")
    foreign = client.post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="k-school"
    )
    assert foreign.status_code == 404
    assert "Idempotent-Replayed" not in foreign


def test_session_writes_take_the_key_too(world: World) -> None:
    """The journal grid (a session with CSRF) saves through the page's own endpoint."""
    from django.test import Client

    client = Client(HTTP_HOST="school1.localhost", enforce_csrf_checks=True)
    client.force_login(world.users["teacher"])
    from django.conf import settings
    from django.utils.crypto import get_random_string

    csrf = get_random_string(32)  # the page's cookie and the grid's header (a CSRF secret)
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    url = f"/lessons/{world.lesson_today.pk}/save/"
    body = json.dumps({"marks": [{"pupil_id": world.pupils[0].pk, "value": 4}], "attendance": []})
    headers = {"X-CSRFToken": csrf, "Idempotency-Key": "grid-1"}
    first = client.post(url, body, content_type="application/json", headers=headers)
    assert first.status_code == 200, first.content
    again = client.post(url, body, content_type="application/json", headers=headers)
    assert again["Idempotent-Replayed"] == "true"
    assert mark_count(world) == 1
    # Without the CSRF token nothing is replayed (nor written): the key is not a way round.
    forged = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="grid-1")
    assert forged.status_code == 403
    assert "Idempotent-Replayed" not in forged


def test_a_bad_key_is_400(world: World) -> None:
    """(Uploads with a key are covered: test_idempotency_multipart.py.)"""
    client = token_client(world.users["teacher"])
    long_key = client.post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="x" * 256
    )
    assert long_key.status_code == 400
    assert "Idempotency-Key" in long_key.json()["errors"]
    assert mark_count(world) == 0


def test_keys_expire_after_their_window(world: World) -> None:
    client = token_client(world.users["teacher"])
    client.post(marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="old")
    with schema_context("school1"):
        IdempotencyRecord.objects.filter(key="old").update(
            created_at=timezone.now() - dt.timedelta(hours=25)
        )
    fresh = client.post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="old"
    )
    assert "Idempotent-Replayed" not in fresh
    assert mark_count(world) == 2
    with schema_context("school1"):
        IdempotencyRecord.objects.filter(key="old").update(
            created_at=timezone.now() - dt.timedelta(hours=25)
        )
        assert idempotency_purge() == 1
        assert not IdempotencyRecord.objects.exists()


def test_purge_command_covers_every_schema(world: World) -> None:
    token_client(world.users["teacher"]).post(
        marks_url(world), one_mark(world), format="json", HTTP_IDEMPOTENCY_KEY="p-1"
    )
    with schema_context("school1"):
        IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    call_command("idempotency_purge", stdout=open("/dev/null", "w"))
    with schema_context("school1"):
        assert not IdempotencyRecord.objects.exists()


def test_public_host_writes_take_the_key(operator: Any) -> None:
    """The operator's creates (here a regulation template) are covered on the public host."""
    client = token_client(operator, host="localhost")
    body = {
        "title": "Положение о текущем контроле (тест)",
        "code": "idem-test",
        "version": {"text": "# Положение"},
    }
    first = client.post(
        "/api/v1/catalog/regulations/", body, format="json", HTTP_IDEMPOTENCY_KEY="t"
    )
    again = client.post(
        "/api/v1/catalog/regulations/", body, format="json", HTTP_IDEMPOTENCY_KEY="t"
    )
    assert first.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert json.loads(again.content) == first.json()
    with schema_context("public"):
        assert IdempotencyRecord.objects.filter(key="t").count() == 1
