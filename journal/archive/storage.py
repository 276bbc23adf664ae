"""The two storage locations of the archive (ARC-4), through Django's storage API.

`settings.ARCHIVE_LOCATIONS` names the aliases of `STORAGES` that hold the copies (by default
`archive_primary` and `archive_secondary`): filesystem roots (`AtomicFileSystemStorage`) or
S3-compatible object storage through django-storages (`storages.backends.s3.S3Storage`).

Atomic publish. On a filesystem a file is written under a temporary name, fsynced and
renamed into place, so a reader never sees half a file. S3 has no rename, and needs none:
a PUT (or a multipart upload's completion) makes an object appear whole or not at all; an
upload killed midway leaves no object, only an incomplete multipart upload that is not
listed (a bucket lifecycle rule `AbortIncompleteMultipartUpload` reclaims its parts). A
*package* of many objects is published by the database: its files go to a fresh attempt
folder that nothing points at, the manifest last, and the package exists only once its row
commits after both copies verified. A package folder without a row is a dead attempt; the
retry removes it before writing (`remove_tree`), on either kind of backend.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

LOCATIONS = ("archive_primary", "archive_secondary")
TEMP_PREFIX = ".part-"


class AtomicFileSystemStorage(FileSystemStorage):
    """Writes to a temporary file in the target folder, fsyncs, then os.replace()s it."""

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name  # names are unique per attempt; a repair overwrites in place

    def _save(self, name: str, content: Any) -> str:
        full = self.path(name)
        folder = os.path.dirname(full)
        os.makedirs(folder, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, full)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
        return name


def locations() -> list[tuple[str, Storage]]:
    from django.conf import settings

    names = list(getattr(settings, "ARCHIVE_LOCATIONS", None) or LOCATIONS)
    return [(name, storages[name]) for name in names]


def _listdir(storage: Storage, prefix: str) -> tuple[list[str], list[str]]:
    """A folder's entries; none when it does not exist. (An object store has no folders:
    `exists(prefix)` is false there even when keys start with the prefix.)"""
    try:
        folders, files = storage.listdir(prefix)
    except FileNotFoundError:
        return [], []
    return list(folders), list(files)


def write(storage: Storage, name: str, content: bytes) -> None:
    storage.save(name, ContentFile(content))


def read(storage: Storage, name: str) -> bytes | None:
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def digest(storage: Storage, name: str) -> tuple[str, int] | None:
    """SHA-256 (hex) and size of a stored file, read in chunks (never whole in memory);
    None when it is missing."""
    hasher, size = hashlib.sha256(), 0
    try:
        with storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(chunk)
                size += len(chunk)
    except FileNotFoundError:  # django-storages' S3Storage raises it for a missing key too
        return None
    return hasher.hexdigest(), size


def remove_tree(storage: Storage, prefix: str) -> int:
    """Delete every file under `prefix` (and the folders, where the backend has them)."""
    removed = 0
    folders, files = _listdir(storage, prefix)
    if not folders and not files:
        return 0
    for folder in folders:
        removed += remove_tree(storage, f"{prefix}/{folder}")
    for file in files:
        storage.delete(f"{prefix}/{file}")
        removed += 1
    try:
        storage.delete(prefix)
    except OSError:
        pass
    return removed


def all_files(storage: Storage, prefix: str) -> list[str]:
    folders, files = _listdir(storage, prefix)
    found = [f"{prefix}/{f}" for f in files]
    for folder in folders:
        found += all_files(storage, f"{prefix}/{folder}")
    return sorted(found)
