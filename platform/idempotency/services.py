"""Idempotency-Key for writes (IETF draft "The Idempotency-Key HTTP Header Field").

A write sent with a key runs inside one transaction that first inserts the key's row
(unique per user). The row is completed with the response before commit, so:

- a repeated key whose first request was committed gets the stored answer again
  (`Idempotent-Replayed: true`), and the write does not run twice;
- a repeated key with a different request (method, path, body) gets 422; a multipart
  upload is compared by its fields and files (name, type, size, SHA-256), not by its raw
  body, whose boundary differs on every send;
- a duplicate that arrives while the first is still running waits on the unique index
  (PostgreSQL blocks the second INSERT until the first transaction ends) for at most
  `IDEMPOTENCY_WAIT_SECONDS`, then replays the committed answer -- or, if the first is
  still running after that, gets 409 with Retry-After;
- a first request that failed (any non-2xx) leaves no row: retrying with the same key
  runs the write afresh.

Keys are kept for `IDEMPOTENCY_KEY_TTL_SECONDS` (24 h); `idempotency_purge` removes older.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from idempotency.models import IdempotencyRecord

REPLAYED_HEADER = "Idempotent-Replayed"
STORED_HEADERS = ("Location", "Content-Language")


def key_ttl() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "IDEMPOTENCY_KEY_TTL_SECONDS", 24 * 3600))


def is_multipart(request: HttpRequest) -> bool:
    return (request.content_type or "").lower() == "multipart/form-data"


def _file_sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)  # the view reads it from the start
    return digest.hexdigest()


def _file_entry(upload: UploadedFile) -> list[str | int]:
    return [upload.name or "", upload.content_type or "", upload.size or 0, _file_sha256(upload)]


def multipart_content(request: HttpRequest) -> bytes:
    """What a multipart request says, independent of how it was framed.

    The boundary is chosen afresh by the client for every send, so a retry of the same
    upload has another raw body; the fields are parsed instead (Django streams the files to
    its upload handlers, large ones to temporary files, so the body is never held in
    memory; the view gets the same parsed request.POST and request.FILES): every field
    with its values in the order sent, fields sorted by name, and every file as its name,
    content type, size and SHA-256. Field order is free in a form; the order of one
    field's values is kept (it can mean something, e.g. the first recipient). Raises
    MultiPartParserError on a broken body.
    """
    fields = [[name, request.POST.getlist(name)] for name in sorted(request.POST)]
    files = [
        [name, [_file_entry(upload) for upload in request.FILES.getlist(name)]]
        for name in sorted(request.FILES)
    ]
    return json.dumps({"fields": fields, "files": files}, ensure_ascii=False).encode()


def fingerprint(request: HttpRequest) -> str:
    """sha256 over method, path with query, content type (without parameters) and body --
    for multipart, the parsed content (`multipart_content`) instead of the raw body."""
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path(), request.content_type or ""):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(multipart_content(request) if is_multipart(request) else request.body)
    return digest.hexdigest()


@dataclass(frozen=True)
class Claimed:
    """This request holds the key: run the write, then `idempotency_complete`."""

    record: IdempotencyRecord


@dataclass(frozen=True)
class Replay:
    record: IdempotencyRecord


@dataclass(frozen=True)
class Mismatch:
    record: IdempotencyRecord


@dataclass(frozen=True)
class InFlight:
    pass


def _is_lock_timeout(exc: OperationalError) -> bool:
    import psycopg.errors

    return isinstance(exc.__cause__, psycopg.errors.LockNotAvailable)


def idempotency_claim(
    *, user_id: int, key: str, request_fingerprint: str, method: str, path: str
) -> Claimed | Replay | Mismatch | InFlight:
    """Insert the key's row in the caller's transaction, or say what an earlier one left.

    Must be called inside `transaction.atomic()`; the row becomes visible to others only
    when that transaction commits, with the write it guards.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("idempotency_claim needs the caller's transaction")
    wait_ms = int(getattr(settings, "IDEMPOTENCY_WAIT_SECONDS", 10) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = {wait_ms}")
    try:
        for _ in range(3):
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user_id=user_id,
                        key=key,
                        fingerprint=request_fingerprint,
                        method=method,
                        path=path[:2000],
                    )
                return Claimed(record)
            except IntegrityError:
                pass
            except OperationalError as exc:
                if _is_lock_timeout(exc):
                    return InFlight()
                raise
            earlier = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
            if earlier is None:  # purged or expired meanwhile: try to claim again
                continue
            if earlier.created_at < timezone.now() - key_ttl():
                earlier.delete()  # outside the window: the key is new again
                continue
            if earlier.fingerprint != request_fingerprint:
                return Mismatch(earlier)
            if earlier.status_code == 0:
                return InFlight()
            return Replay(earlier)
        return InFlight()
    finally:
        if not transaction.get_rollback():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout TO DEFAULT")


def idempotency_complete(*, record: IdempotencyRecord, response: HttpResponse) -> None:
    """Store the answer with the key (same transaction as the write)."""
    record.status_code = response.status_code
    record.content_type = response.get("Content-Type", "")
    record.headers = {name: response[name] for name in STORED_HEADERS if name in response}
    record.body = bytes(response.content)
    record.save(update_fields=["status_code", "content_type", "headers", "body"])


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """The write failed: forget the key, so a retry runs it afresh."""
    IdempotencyRecord.objects.filter(pk=record.pk).delete()


def replay_response(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type or None
    )
    for name, value in record.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


@transaction.atomic
def idempotency_purge(*, older_than: dt.timedelta | None = None) -> int:
    """Remove the keys of this schema older than the window; returns how many."""
    cutoff = timezone.now() - (older_than if older_than is not None else key_ttl())
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
