"""Files of messages, stored per school like homework files (LES-1's pattern, COM-1).

The kinds allowed and the safe display name are the homework files' own
(`journal.register.services.HOMEWORK_FILE_TYPES`, `homework_file_name`); the first bytes
must match the extension; the name on disk is `<schema>/messages/<thread>/<uuid>` and the
file is served only to the thread's participants (`selectors.message_attachment_for_reading`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from core.storage_tx import delete_on_rollback
from journal.messaging.models import Message, MessageAttachment
from journal.register.services import HOMEWORK_FILE_TYPES, homework_file_name

FILES_PER_MESSAGE = 5
SNIFF_BYTES = 4096


def _content_matches(ext: str, head: bytes) -> bool:
    signatures = HOMEWORK_FILE_TYPES[ext][1]
    if ext == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if signatures:
        return any(head.startswith(sig) for sig in signatures)
    return b"\x00" not in head  # plain text


def attachment_check(upload: UploadedFile) -> tuple[str, str]:
    """The safe name and content type of an upload, or a Russian refusal on `file`."""
    name = homework_file_name(upload.name or "")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    size = upload.size or 0
    limit = settings.HOMEWORK_FILE_MAX_BYTES
    if ext not in HOMEWORK_FILE_TYPES:
        raise ValidationError(
            {"file": ["Можно прикрепить PDF, изображение, офисный документ или текстовый файл."]}
        )
    if size == 0:
        raise ValidationError({"file": ["Файл пустой."]})
    if size > limit:
        raise ValidationError(
            {"file": [f"Файл слишком большой: не более {limit / 1024 / 1024:g} МБ."]}
        )
    upload.seek(0)
    if not _content_matches(ext, upload.read(SNIFF_BYTES)):
        raise ValidationError(
            {"file": [f"Содержимое файла не похоже на {ext.upper()}: проверьте файл."]}
        )
    return name, HOMEWORK_FILE_TYPES[ext][0]


def attachments_store(message: Message, uploads: Sequence[UploadedFile]) -> list[MessageAttachment]:
    """Store the files of a message being written (inside the caller's transaction).

    Each stored file is deleted again if the caller's `atomic_with_files` block rolls back
    (the services' own, or the Idempotency-Key middleware's around the view)."""
    if len(uploads) > FILES_PER_MESSAGE:
        raise ValidationError({"file": [f"Не более {FILES_PER_MESSAGE} файлов в сообщении."]})
    checked = [(upload, *attachment_check(upload)) for upload in uploads]
    stored: list[MessageAttachment] = []
    try:
        for upload, name, content_type in checked:
            digest = hashlib.sha256()
            upload.seek(0)
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            row = MessageAttachment(
                message=message,
                original_name=name,
                content_type=content_type,
                size=upload.size or 0,
                sha256=digest.hexdigest(),
            )
            row.file.save("upload", upload, save=False)
            delete_on_rollback(row.file.storage, row.file.name or "")
            stored.append(row)
            row.save()
    except Exception:
        for row in stored:
            row.file.storage.delete(row.file.name)
        raise
    return stored
