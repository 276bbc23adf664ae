"""Homework files on the pages: the lesson page uploads and removes, the diary links, and
the download view reads only for who may read the lesson (404 for everyone else)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from journal.register import services
from journal.register.models import HomeworkAttachment
from tests.world import World

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def files_on_disk(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def attached(world: World, media: Path) -> HomeworkAttachment:
    with schema_context("school1"):
        return services.homework_attachment_add(
            lesson=world.lesson_today,
            upload=SimpleUploadedFile("Задание 5.pdf", PDF),
            by=world.users["teacher"],
        )


def file_url(world: World, attachment: HomeworkAttachment) -> str:
    return f"/lessons/{world.lesson_today.pk}/files/{attachment.pk}/"


def post_file(client: Client, world: World, name: str, content: bytes) -> Any:
    return client.post(
        f"/lessons/{world.lesson_today.pk}/files/upload/",
        {"file": SimpleUploadedFile(name, content)},
    )


def test_teacher_uploads_on_the_lesson_page_and_sees_the_file(
    world: World, media: Path, page_client: Callable[[str], Client]
) -> None:
    client = page_client("teacher")
    response = post_file(client, world, "Карточка.pdf", PDF)
    assert response.status_code == 302
    page = client.get(f"/lessons/{world.lesson_today.pk}/").content.decode()
    assert "Файл прикреплён к домашнему заданию." in page
    assert "Карточка.pdf" in page and "Прикрепить файл" in page and "Удалить" in page
    (stored,) = files_on_disk(media)
    assert stored.is_relative_to(media / "school1" / "homework" / str(world.lesson_today.pk))


def test_wrong_type_keeps_the_page_with_a_russian_error(
    world: World, media: Path, page_client: Callable[[str], Client]
) -> None:
    response = post_file(page_client("teacher"), world, "script.html", b"<script>")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Можно прикрепить PDF" in page
    assert "Тема и домашнее задание" in page and "Отметки и посещаемость" in page
    assert files_on_disk(media) == []


def test_too_big_keeps_the_page_with_a_russian_error(
    world: World, media: Path, page_client: Callable[[str], Client], settings: Any
) -> None:
    settings.HOMEWORK_FILE_MAX_BYTES = 10
    response = post_file(page_client("teacher"), world, "big.pdf", PDF)
    assert response.status_code == 400
    assert "Файл слишком большой" in response.content.decode()
    assert files_on_disk(media) == []


@pytest.mark.parametrize(("persona", "code"), [("other_teacher", 404), ("pupil", 403)])
def test_others_cannot_upload(
    world: World, media: Path, page_client: Callable[[str], Client], persona: str, code: int
) -> None:
    assert post_file(page_client(persona), world, "x.pdf", PDF).status_code == code
    with schema_context("school1"):
        assert not HomeworkAttachment.objects.exists()
    assert files_on_disk(media) == []


@pytest.mark.parametrize("persona", ["pupil", "parent", "teacher", "class_teacher", "director"])
def test_readers_of_the_lesson_download_it_as_an_attachment(
    world: World,
    attached: HomeworkAttachment,
    page_client: Callable[[str], Client],
    persona: str,
) -> None:
    response = page_client(persona).get(file_url(world, attached))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''%D0%97%D0%B0%D0%B4%D0%B0%D0%BD%D0%B8%D0%B5%205.pdf"
        in (response["Content-Disposition"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("persona", ["other_parent", "other_teacher", "substitute_no_grant"])
def test_others_get_404(
    world: World,
    attached: HomeworkAttachment,
    page_client: Callable[[str], Client],
    persona: str,
) -> None:
    assert page_client(persona).get(file_url(world, attached)).status_code == 404


def test_file_of_another_lesson_id_is_404(
    world: World, attached: HomeworkAttachment, page_client: Callable[[str], Client]
) -> None:
    url = f"/lessons/{world.lesson_yesterday.pk}/files/{attached.pk}/"
    assert page_client("teacher").get(url).status_code == 404


@pytest.mark.parametrize("role", ["director", "deputy", "teacher"])
def test_school2_user_with_school1_ids_gets_404(
    world: World,
    attached: HomeworkAttachment,
    school2_user: Callable[[str], Client],
    role: str,
) -> None:
    assert school2_user(role).get(file_url(world, attached)).status_code == 404


def test_anonymous_is_sent_to_sign_in(world: World, attached: HomeworkAttachment) -> None:
    response = Client(HTTP_HOST="school1.localhost").get(file_url(world, attached))
    assert response.status_code == 302 and "login" in response["Location"]


def test_diary_week_links_the_files_next_to_the_homework(
    world: World, attached: HomeworkAttachment, page_client: Callable[[str], Client]
) -> None:
    with schema_context("school1"):
        services.lesson_update(
            lesson=world.lesson_today, homework="№ 5, карточка", by=world.users["teacher"]
        )
    for persona in ("pupil", "parent"):
        page = page_client(persona).get("/diary/").content.decode()
        assert "№ 5, карточка" in page, persona
        assert f'href="{file_url(world, attached)}"' in page, persona
        assert "Задание 5.pdf" in page, persona


def test_teacher_removes_the_file_from_the_lesson_page(
    world: World,
    attached: HomeworkAttachment,
    media: Path,
    page_client: Callable[[str], Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    url = f"/lessons/{world.lesson_today.pk}/files/{attached.pk}/remove/"
    assert page_client("other_teacher").post(url).status_code == 404
    assert page_client("pupil").post(url).status_code == 403
    assert len(files_on_disk(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = page_client("teacher").post(url)
    assert response.status_code == 302
    with schema_context("school1"):
        assert not HomeworkAttachment.objects.exists()
    assert files_on_disk(media) == []
    assert page_client("pupil").get(file_url(world, attached)).status_code == 404
