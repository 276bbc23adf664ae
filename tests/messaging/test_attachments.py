"""COM-1 message files: stored per school like homework files, served only to the thread's
participants as downloads; another school's or an outsider's ids are 404; a refused file
leaves no message behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from journal.messaging import services
from journal.messaging.models import Message, MessageAttachment
from tests.world import World

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _thread(world: World) -> int:
    with schema_context("school1"):
        thread, _ = services.thread_start(
            recipient_ids=[world.users["class_teacher"].pk],
            body="Справка во вложении",
            by=world.users["parent"],
        )
        return int(thread.pk)


def _upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_parent_sends_a_file_the_class_teacher_downloads_it(
    world: World, page_client: Callable[[str], Client], _media: Path
) -> None:
    tid = _thread(world)
    parent = page_client("parent")
    sent = parent.post(
        f"/messages/{tid}/reply/", {"body": "Вот справка", "file": _upload("Справка.pdf", PDF)}
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    with schema_context("school1"):
        file = MessageAttachment.objects.get()
        assert file.original_name == "Справка.pdf" and file.size == len(PDF)
        assert file.file.name.startswith(f"school1/messages/{tid}/")
        url = f"/messages/message/{file.message_id}/files/{file.pk}/"
    assert (_media / file.file.name).read_bytes() == PDF
    page = page_client("class_teacher").get(f"/messages/{tid}/").content.decode()
    assert url in page
    download = page_client("class_teacher").get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert page_client("parent").get(url).status_code == 200
    for outsider in ("teacher", "deputy", "other_parent", "pupil"):
        assert page_client(outsider).get(url).status_code == 404, outsider
    api = world.client("class_teacher").get(f"/api/v1/messages/threads/{tid}/").json()
    assert [f["url"] for m in api["messages"] for f in m["files"]] == [url]


def test_another_schools_attachment_ids_are_404(
    world: World, school2_user: Callable[[str], Client]
) -> None:
    with schema_context("school1"):
        _, message = services.thread_start(
            recipient_ids=[world.users["class_teacher"].pk],
            body="файл",
            files=[_upload("a.pdf", PDF)],
            by=world.users["parent"],
        )
        file = MessageAttachment.objects.get(message=message)
    url = f"/messages/message/{message.pk}/files/{file.pk}/"
    for role in ("director", "teacher"):
        assert school2_user(role).get(url).status_code == 404, role


def test_a_refused_file_leaves_no_message(
    world: World, page_client: Callable[[str], Client]
) -> None:
    tid = _thread(world)
    parent = page_client("parent")
    for name, content in (("virus.exe", b"MZ\x90\x00"), ("fake.pdf", b"not a pdf at all")):
        refused = parent.post(
            f"/messages/{tid}/reply/", {"body": "x", "file": _upload(name, content)}
        )
        assert refused.status_code == 400, name
    with schema_context("school1"):
        assert Message.objects.filter(thread_id=tid).count() == 1
        assert MessageAttachment.objects.count() == 0


def test_a_hidden_messages_file_is_no_longer_served(
    world: World, page_client: Callable[[str], Client]
) -> None:
    with schema_context("school1"):
        thread, message = services.thread_start(
            recipient_ids=[world.users["parent"].pk],
            body="Неприятное",
            files=[_upload("a.pdf", PDF)],
            by=world.users["teacher"],
        )
        report = services.message_report(message=message, reason="Грубо", by=world.users["parent"])
        services.message_report_resolve(
            report=report, resolution="Скрыто", hide=True, by=world.users["deputy"]
        )
        file = MessageAttachment.objects.get()
    url = f"/messages/message/{message.pk}/files/{file.pk}/"
    assert page_client("parent").get(url).status_code == 404
    assert "a.pdf" not in page_client("parent").get(f"/messages/{thread.pk}/").content.decode()


def test_the_api_takes_files_with_a_new_conversation_and_a_reply(
    world: World, page_client: Callable[[str], Client], _media: Path
) -> None:
    """COM-1 over the API (the mobile app): multipart/form-data with `files`; a refused file
    is 400 on `file` with nothing written; the thread's other party downloads it."""
    parent = world.client("parent")
    started = parent.post(
        "/api/v1/messages/threads/start/",
        {
            "recipient_ids": [world.users["class_teacher"].pk],
            "subject": "Справка",
            "body": "Справка во вложении",
            "files": [
                _upload("Справка.pdf", PDF),
                _upload("фото.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
            ],
        },
        format="multipart",
    )
    assert started.status_code == 201, started.content.decode()
    tid = started.json()["id"]
    replied = parent.post(
        f"/api/v1/messages/threads/{tid}/reply/",
        {"body": "И ещё одна", "files": [_upload("заявление.txt", "Прошу…".encode())]},
        format="multipart",
    )
    assert replied.status_code == 201, replied.content.decode()
    refused = parent.post(
        f"/api/v1/messages/threads/{tid}/reply/",
        {"body": "вирус", "files": [_upload("virus.exe", b"MZ\x90\x00")]},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "file" in refused.json()["errors"]
    with schema_context("school1"):
        assert Message.objects.filter(thread_id=tid).count() == 2
        names = sorted(MessageAttachment.objects.values_list("original_name", flat=True))
        assert names == ["Справка.pdf", "заявление.txt", "фото.png"]
    detail = world.client("class_teacher").get(f"/api/v1/messages/threads/{tid}/").json()
    files = [f for m in detail["messages"] for f in m["files"]]
    assert [f["name"] for f in files] == ["Справка.pdf", "фото.png", "заявление.txt"]
    download = page_client("class_teacher").get(files[0]["url"])
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    # A text-only JSON reply still works.
    plain = parent.post(
        f"/api/v1/messages/threads/{tid}/reply/", {"body": "Спасибо"}, format="json"
    )
    assert plain.status_code == 201
