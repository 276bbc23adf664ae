"""Idempotency-Key on multipart uploads against a real gunicorn with a real HTTP client
(COM-1 message files; issue #11's gap): httpx picks a fresh random boundary for every send,
as a mobile app retrying an upload does.

- A retry of a message with a file under the same key replays the first answer: one
  message, one stored file.
- Two identical uploads sent at the same moment with one key make one message and one
  file; the other client gets the first one's answer (the key's unique index makes the
  second wait, as for JSON writes).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django_tenants.utils import schema_context

from tests.reliability.conftest import (
    Gunicorn,
    RedisServer,
    School,
    process_env,
    start_gunicorn,
    stop,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
START = "/api/v1/messages/threads/start/"


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def web(
    redis_server: RedisServer,
    committed_school: School,
    media: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gunicorn]:
    env = process_env(redis_url=redis_server.url, extra={"MEDIA_ROOT": str(media)})
    server = start_gunicorn(
        env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log", workers=2, threads=2
    )
    yield server
    stop(server.process)


def client(web: Gunicorn, school: School) -> httpx.Client:
    return httpx.Client(
        base_url=web.url(""),
        headers={
            "Host": school.host,
            "Authorization": f"Token {school.token}",
            "Accept": "application/json",
        },
        timeout=30,
    )


def upload(http: httpx.Client, school: School, body: str, key: str) -> httpx.Response:
    """The teacher writes to the class teacher with a file, as a fresh multipart request."""
    request = http.build_request(
        "POST",
        START,
        data={"recipient_ids": str(school.world.users["class_teacher"].pk), "body": body},
        files={"files": ("Справка.pdf", PDF, "application/pdf")},
        headers={"Idempotency-Key": key},
    )
    return http.send(request)


def messages_with(school: School, body: str, django_db_blocker: Any) -> list[tuple[int, int]]:
    """(message id, number of its files) of the messages with this text."""
    from django.db.models import Count

    from journal.messaging.models import Message

    with django_db_blocker.unblock(), schema_context(school.schema):
        rows = Message.objects.filter(body=body).annotate(n=Count("attachments"))
        return [(row.pk, row.n) for row in rows]


def stored(media: Path) -> set[Path]:
    return {p for p in (media / "reliab" / "messages").rglob("*") if p.is_file()}


def test_a_retried_upload_with_a_new_boundary_is_written_once(
    web: Gunicorn, committed_school: School, media: Path, django_db_blocker: Any
) -> None:
    before = stored(media) if (media / "reliab").exists() else set()
    with client(web, committed_school) as http:
        sent = [upload(http, committed_school, "Справка, попытка", "live-retry") for _ in range(2)]
    first, again = sent
    boundaries = {r.request.headers["Content-Type"] for r in sent}
    assert len(boundaries) == 2  # httpx framed the two sends differently
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    rows = messages_with(committed_school, "Справка, попытка", django_db_blocker)
    assert [files for _, files in rows] == [1]  # one message, with one file
    assert len(stored(media) - before) == 1


@pytest.mark.parametrize("n", range(5))
def test_two_simultaneous_identical_uploads_make_one_message(
    web: Gunicorn, committed_school: School, media: Path, django_db_blocker: Any, n: int
) -> None:
    before = stored(media) if (media / "reliab").exists() else set()
    body = f"Справка одновременно {n}"
    barrier = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def send() -> None:
        with client(web, committed_school) as http:
            barrier.wait()
            answers.append(upload(http, committed_school, body, f"live-together-{n}"))

    pair = [threading.Thread(target=send) for _ in range(2)]
    for thread in pair:
        thread.start()
    for thread in pair:
        thread.join(60)
    assert sorted(a.status_code for a in answers) == [201, 201], [a.text for a in answers]
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert answers[0].content == answers[1].content
    rows = messages_with(committed_school, body, django_db_blocker)
    assert [files for _, files in rows] == [1]
    assert len(stored(media) - before) == 1
