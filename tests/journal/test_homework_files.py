"""Homework files (LES-1): who may attach, what may be attached, where it lands, who reads.

Stories on the journal's small school year: the maths teacher of 5А attaches files to
today's lesson; another teacher, a pupil and a parent may not; files land under the
school's own folder; pupils of the class and their parents (with consent) read the list;
another class's parent and another school's director get 404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from core.errors import PermissionDeniedError
from journal.register import services
from journal.register.models import HomeworkAttachment
from tests.world import World, school2_client

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def files_on_disk(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(name: str = "Задание №5.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add(world: World, persona: str, lesson_attr: str = "lesson_today", **kw: Any) -> Any:
    with schema_context("school1"):
        return services.homework_attachment_add(
            lesson=getattr(world, lesson_attr), upload=upload(**kw), by=world.users[persona]
        )


def test_teacher_attaches_a_file_under_the_schools_own_folder(world: World, media: Path) -> None:
    attachment = add(world, "teacher")
    with schema_context("school1"):
        row = HomeworkAttachment.objects.get()
    assert row.pk == attachment.pk
    assert row.original_name == "Задание №5.pdf"
    assert row.content_type == "application/pdf"
    assert row.size == len(PDF)
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    parts = Path(row.file.name).parts
    assert parts[:3] == ("school1", "homework", str(world.lesson_today.pk))
    assert len(parts) == 4 and len(parts[3]) == 32  # a uuid, never the user's name
    assert [p.relative_to(media) for p in files_on_disk(media)] == [Path(row.file.name)]
    assert (media / row.file.name).read_bytes() == PDF


def test_granted_substitute_attaches_to_their_lesson(world: World, media: Path) -> None:
    add(world, "substitute", lesson_attr="lesson_subst")
    with schema_context("school1"):
        assert HomeworkAttachment.objects.filter(lesson=world.lesson_subst).count() == 1


@pytest.mark.parametrize("persona", ["other_teacher", "substitute_no_grant", "pupil", "parent"])
def test_only_the_lessons_writer_may_attach(world: World, media: Path, persona: str) -> None:
    with pytest.raises(PermissionDeniedError):
        add(world, persona)
    with schema_context("school1"):
        assert not HomeworkAttachment.objects.exists()
    assert files_on_disk(media) == []


def test_first_grade_without_marks_gets_no_homework_files(world: World, media: Path) -> None:
    with pytest.raises(ValidationError) as exc:
        add(world, "teacher", lesson_attr="lesson_1a")
    assert "безотметочное обучение" in " ".join(exc.value.message_dict["file"])
    assert files_on_disk(media) == []


def test_too_big_is_refused_in_russian(world: World, media: Path, settings: Any) -> None:
    settings.HOMEWORK_FILE_MAX_BYTES = 16
    with pytest.raises(ValidationError) as exc:
        add(world, "teacher")
    assert "слишком большой" in exc.value.message_dict["file"][0]
    assert files_on_disk(media) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "Можно прикрепить PDF"),
        ("page.html", b"<html><script>alert(1)</script>", "Можно прикрепить PDF"),
        ("no-extension", PDF, "Можно прикрепить PDF"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "не похоже на PDF"),
        ("fake.png", PDF, "не похоже на PNG"),
        ("binary.txt", b"abc\x00def", "не похоже на TXT"),
        ("empty.pdf", b"", "Файл пустой"),
    ],
)
def test_wrong_type_is_refused_in_russian(
    world: World, media: Path, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        add(world, "teacher", name=name, content=content)
    assert message in exc.value.message_dict["file"][0]
    assert files_on_disk(media) == []


def test_images_office_documents_and_text_are_accepted(world: World, media: Path) -> None:
    add(world, "teacher", name="photo.PNG", content=PNG)
    add(world, "teacher", name="task.docx", content=b"PK\x03\x04rest-of-zip")
    add(world, "teacher", name="old.doc", content=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")
    add(world, "teacher", name="notes.txt", content="Упражнение 5".encode())
    with schema_context("school1"):
        types = list(HomeworkAttachment.objects.values_list("content_type", flat=True))
    assert types[0] == "image/png" and types[-1] == "text/plain" and len(types) == 4


def test_at_most_n_files_per_lesson(world: World, media: Path, settings: Any) -> None:
    settings.HOMEWORK_FILES_PER_LESSON = 1
    add(world, "teacher")
    with pytest.raises(ValidationError) as exc:
        add(world, "teacher")
    assert "не более 1" in exc.value.message_dict["file"][0]
    assert len(files_on_disk(media)) == 1


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
        ('a"b<c>\r\nd.pdf', "a_b_c___d.pdf"),
        ("....pdf", "pdf"),
        ("/", "файл"),
    ],
)
def test_path_traversal_names_are_sanitized(raw: str, shown: str) -> None:
    assert services.homework_file_name(raw) == shown


def test_traversal_name_lands_in_the_lessons_folder(world: World, media: Path) -> None:
    add(world, "teacher", name="../../../../tmp/evil.pdf")
    with schema_context("school1"):
        row = HomeworkAttachment.objects.get()
    assert row.original_name == "evil.pdf"
    (stored,) = files_on_disk(media)
    assert stored.is_relative_to(media / "school1" / "homework" / str(world.lesson_today.pk))


def test_removal_deletes_row_and_file(
    world: World, media: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    attachment = add(world, "teacher")
    assert len(files_on_disk(media)) == 1
    with pytest.raises(PermissionDeniedError), schema_context("school1"):
        services.homework_attachment_remove(attachment=attachment, by=world.users["other_teacher"])
    assert len(files_on_disk(media)) == 1
    with django_capture_on_commit_callbacks(execute=True), schema_context("school1"):
        services.homework_attachment_remove(attachment=attachment, by=world.users["teacher"])
        assert not HomeworkAttachment.objects.exists()
    assert files_on_disk(media) == []


# ---------------------------------------------------------------- API


def api_upload(world: World, persona: str, name: str = "task.pdf", content: bytes = PDF) -> Any:
    return world.client(persona).post(
        f"/api/v1/register/lessons/{world.lesson_today.pk}/files/upload/",
        {"file": upload(name=name, content=content)},
        format="multipart",
    )


def test_api_teacher_uploads_and_the_class_reads_the_list(world: World, media: Path) -> None:
    response = api_upload(world, "teacher")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "task.pdf" and body["size"] == len(PDF)
    assert body["url"] == f"/lessons/{world.lesson_today.pk}/files/{body['id']}/"
    url = f"/api/v1/register/lessons/{world.lesson_today.pk}/files/"
    for persona in ("teacher", "pupil", "parent", "class_teacher", "deputy"):
        listed = world.client(persona).get(url)
        assert listed.status_code == 200, persona
        assert [f["id"] for f in listed.json()] == [body["id"]], persona
    assert world.client("other_parent").get(url).status_code == 404


def test_api_refusals_are_russian_and_write_nothing(world: World, media: Path) -> None:
    response = api_upload(world, "teacher", name="run.exe", content=b"MZ")
    assert response.status_code == 400
    assert "Можно прикрепить PDF" in response.json()["errors"]["file"][0]
    assert api_upload(world, "pupil").status_code == 403  # the learners' guard (ROLE-2)
    assert api_upload(world, "other_teacher").status_code == 404
    with schema_context("school1"):
        assert not HomeworkAttachment.objects.exists()
    assert files_on_disk(media) == []


def test_api_school2_director_with_school1_ids_gets_404(
    world: World, media: Path, school2_director: Any
) -> None:
    add(world, "teacher")
    client = school2_client(school2_director)
    lesson_id = world.lesson_today.pk
    assert client.get(f"/api/v1/register/lessons/{lesson_id}/files/").status_code == 404
    response = client.post(
        f"/api/v1/register/lessons/{lesson_id}/files/upload/",
        {"file": upload()},
        format="multipart",
    )
    assert response.status_code == 404
    assert len(files_on_disk(media)) == 1
    assert not (media / "school2").exists()
