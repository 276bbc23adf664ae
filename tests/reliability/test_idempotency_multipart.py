"""Idempotency-Key on multipart uploads (issue #11's gap; COM-1 message files, LES-1 homework
files, PLAN-2 plan import): a client that retries an upload sends the same fields and files
again, but under a new multipart boundary. The retry must replay the first answer -- one
message, one stored file -- and the same key with another file must be refused (422), as it
is for JSON. A write whose transaction rolls back leaves no file in storage.

In-process (Django's test client, the boundary chosen per request); the real HTTP client and
two simultaneous uploads against gunicorn are in test_idempotency_multipart_live.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test.client import encode_multipart
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from idempotency.models import IdempotencyRecord
from journal.messaging import services as messaging
from journal.messaging.models import Message, MessageAttachment
from journal.register.models import HomeworkAttachment
from tests.reliability.test_idempotency import token_client
from tests.world import World, build_world

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
OTHER_PDF = b"%PDF-1.4\n2 0 obj << /Other true >> endobj\n%%EOF\n"


@pytest.fixture
def world(school1: Any) -> Iterator[World]:
    with schema_context("school1"):
        yield build_world()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file())


def multipart_post(
    client: APIClient,
    url: str,
    fields: list[tuple[str, Any]],
    *,
    boundary: str,
    key: str,
) -> Any:
    """POST multipart/form-data under the given boundary, the parts in the given order."""
    data: dict[str, Any] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    flat = {name: values[0] if len(values) == 1 else values for name, values in data.items()}
    body = encode_multipart(boundary, flat)
    return client.post(
        url,
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def pdf(name: str = "Справка.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def thread_of(world: World) -> int:
    """A conversation the parent and the class teacher take part in."""
    with schema_context("school1"):
        thread, _ = messaging.thread_start(
            recipient_ids=[world.users["class_teacher"].pk],
            body="Здравствуйте",
            by=world.users["parent"],
        )
        return int(thread.pk)


def reply_url(thread_id: int) -> str:
    return f"/api/v1/messages/threads/{thread_id}/reply/"


def counts(thread_id: int) -> tuple[int, int]:
    with schema_context("school1"):
        return (
            Message.objects.filter(thread_id=thread_id).count(),
            MessageAttachment.objects.filter(message__thread_id=thread_id).count(),
        )


def test_a_retried_upload_under_a_new_boundary_replays_the_first_answer(
    world: World, media: Path
) -> None:
    tid = thread_of(world)
    client = token_client(world.users["parent"])
    first = multipart_post(
        client,
        reply_url(tid),
        [("body", "Справка во вложении"), ("files", pdf())],
        boundary="first-boundary-1111",
        key="up-1",
    )
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    # The retry: the same fields and file, another boundary, the parts in another order.
    again = multipart_post(
        client,
        reply_url(tid),
        [("files", pdf()), ("body", "Справка во вложении")],
        boundary="retry-boundary-2222",
        key="up-1",
    )
    assert again.status_code == first.status_code
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert counts(tid) == (2, 1)  # the opening message and one reply, with one file
    assert len(stored_files(media)) == 1


def test_the_same_key_with_another_file_is_422_and_stores_nothing(
    world: World, media: Path
) -> None:
    tid = thread_of(world)
    client = token_client(world.users["parent"])
    fields = [("body", "Справка во вложении")]
    first = multipart_post(
        client, reply_url(tid), [*fields, ("files", pdf())], boundary="b-one", key="up-2"
    )
    assert first.status_code == 201, first.content
    for other_file in (
        pdf(content=OTHER_PDF),  # other bytes under the same name
        pdf(name="Другая.pdf"),  # the same bytes under another name
    ):
        other = multipart_post(
            client, reply_url(tid), [*fields, ("files", other_file)], boundary="b-two", key="up-2"
        )
        assert other.status_code == 422, other.content
        assert "другого запроса" in other.json()["detail"]
    assert counts(tid) == (2, 1)
    assert len(stored_files(media)) == 1


def test_a_rolled_back_upload_leaves_no_file_and_no_key(
    world: World, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message and its file are written, then the key's transaction fails before
    commit (the connection lost while storing the answer): nothing stays, file included."""
    import idempotency.services

    def lost(**_kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    tid = thread_of(world)
    monkeypatch.setattr(idempotency.services, "idempotency_complete", lost)
    client = token_client(world.users["parent"])
    with pytest.raises(OperationalError):
        multipart_post(
            client,
            reply_url(tid),
            [("body", "Справка"), ("files", pdf())],
            boundary="b-lost",
            key="up-3",
        )
    assert counts(tid) == (1, 0)
    assert stored_files(media) == []
    with schema_context("school1"):
        assert not IdempotencyRecord.objects.filter(key="up-3").exists()


def test_a_refused_upload_releases_the_key_for_a_corrected_retry(world: World, media: Path) -> None:
    tid = thread_of(world)
    client = token_client(world.users["parent"])
    bad = multipart_post(
        client,
        reply_url(tid),
        [("body", "Справка"), ("files", pdf(name="virus.exe", content=b"MZ\x90\x00"))],
        boundary="b-bad",
        key="up-4",
    )
    assert bad.status_code == 400, bad.content
    fixed = multipart_post(
        client, reply_url(tid), [("body", "Справка"), ("files", pdf())], boundary="b-ok", key="up-4"
    )
    assert fixed.status_code == 201, fixed.content
    assert "Idempotent-Replayed" not in fixed
    assert counts(tid) == (2, 1)
    assert len(stored_files(media)) == 1


def test_a_thread_started_with_a_file_is_started_once(world: World, media: Path) -> None:
    client = token_client(world.users["parent"])
    url = "/api/v1/messages/threads/start/"

    def fields() -> list[tuple[str, Any]]:
        return [
            ("recipient_ids", str(world.users["class_teacher"].pk)),
            ("subject", "Справка"),
            ("body", "Справка во вложении"),
            ("files", pdf()),
        ]

    first = multipart_post(client, url, fields(), boundary="s-1", key="start-1")
    again = multipart_post(client, url, fields()[::-1], boundary="s-2", key="start-1")
    assert first.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    with schema_context("school1"):
        assert Message.objects.filter(body="Справка во вложении").count() == 1
    assert len(stored_files(media)) == 1


def test_a_homework_file_uploaded_twice_with_one_key_is_attached_once(
    world: World, media: Path
) -> None:
    client = token_client(world.users["teacher"])
    url = f"/api/v1/register/lessons/{world.lesson_today.pk}/files/upload/"
    first = multipart_post(client, url, [("file", pdf())], boundary="h-1", key="hw-1")
    again = multipart_post(client, url, [("file", pdf())], boundary="h-2", key="hw-1")
    assert first.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    with schema_context("school1"):
        assert HomeworkAttachment.objects.filter(lesson=world.lesson_today).count() == 1
    assert len(stored_files(media)) == 1


def test_a_broken_multipart_body_with_a_key_is_400(world: World) -> None:
    client = token_client(world.users["parent"])
    tid = thread_of(world)
    broken = client.post(
        reply_url(tid),
        b'--b\r\nContent-Disposition: form-data; name="body"\r\n\r\nx',
        content_type="multipart/form-data; boundary=",
        HTTP_IDEMPOTENCY_KEY="broken-1",
    )
    assert broken.status_code == 400
    assert counts(tid) == (1, 0)


def test_a_multipart_patch_with_a_key_is_400(world: World) -> None:
    """Django parses multipart bodies of POST only: a PATCH upload could not be compared."""
    client = token_client(world.users["parent"])
    tid = thread_of(world)
    body = encode_multipart("p-1", {"body": "x", "files": pdf()})
    patch = client.patch(
        reply_url(tid),
        body,
        content_type="multipart/form-data; boundary=p-1",
        HTTP_IDEMPOTENCY_KEY="patch-1",
    )
    assert patch.status_code == 400
    assert "POST" in patch.json()["detail"]
    assert counts(tid) == (1, 0)


def test_a_plan_import_retried_with_one_key_replays_and_another_file_is_422(
    world: World,
) -> None:
    from journal.planning.models import CurriculumLine, ThematicPlan

    with schema_context("school1"):
        CurriculumLine.objects.create(
            year=world.year, grade=5, subject=world.math, hours_per_year=3
        )
    client = token_client(world.users["teacher"])
    url = f"/api/v1/planning/assignments/{world.math5a.pk}/plan/import/"

    def ktp(text: str) -> SimpleUploadedFile:
        return SimpleUploadedFile("ktp.csv", text.encode(), content_type="text/csv")

    plan = "№;Тема;Часы\n1;Натуральные числа;2\n2;Дроби;1\n"
    first = multipart_post(client, url, [("file", ktp(plan))], boundary="k-1", key="ktp-1")
    again = multipart_post(client, url, [("file", ktp(plan))], boundary="k-2", key="ktp-1")
    assert first.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    other = multipart_post(
        client,
        url,
        [("file", ktp(plan.replace("Дроби", "Десятичные дроби")))],
        boundary="k-3",
        key="ktp-1",
    )
    assert other.status_code == 422
    with schema_context("school1"):
        assert ThematicPlan.objects.filter(assignment=world.math5a).count() == 1


def test_files_stored_in_a_block_that_rolls_back_are_deleted(world: World, media: Path) -> None:
    """Without a key: the service's own block hands its files to the enclosing one, which
    deletes them when it rolls back and keeps them when it succeeds."""
    from core.storage_tx import atomic_with_files

    tid = thread_of(world)
    with schema_context("school1"):
        from journal.messaging.models import Thread

        thread = Thread.objects.get(pk=tid)
        parent = world.users["parent"]
        with pytest.raises(RuntimeError), atomic_with_files():
            messaging.message_send(thread=thread, body="Справка", files=[pdf()], by=parent)
            assert len(stored_files(media)) == 1
            raise RuntimeError("a later step of the same transaction failed")
        assert stored_files(media) == []
        with atomic_with_files():
            messaging.message_send(thread=thread, body="Справка", files=[pdf()], by=parent)
        assert len(stored_files(media)) == 1
    assert counts(tid) == (2, 1)
