"""The two storage locations of the archive (ARC-4), through Django's storage API.

`STORAGES["archive_primary"]` and `STORAGES["archive_secondary"]`: two filesystem roots in
development and tests (`AtomicFileSystemStorage`), any Django storage in production (an
S3-compatible one through django-storages, when installed). A file is written under a
temporary name and renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

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
    return [(name, storages[name]) for name in LOCATIONS]


def write(storage: Storage, name: str, content: bytes) -> None:
    storage.save(name, ContentFile(content))


def read(storage: Storage, name: str) -> bytes | None:
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def remove_tree(storage: Storage, prefix: str) -> int:
    """Delete every file under `prefix` (and the folders, where the backend has them)."""
    if not storage.exists(prefix):
        return 0
    removed = 0
    folders, files = storage.listdir(prefix)
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
    if not storage.exists(prefix):
        return []
    folders, files = storage.listdir(prefix)
    found = [f"{prefix}/{f}" for f in files]
    for folder in folders:
        found += all_files(storage, f"{prefix}/{folder}")
    return sorted(found)
