"""Idempotency keys of API writes, stored per schema (each school's, and public's)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`.

    Written in the same transaction as the write itself, so it exists exactly when the
    write was committed. `user_id` is the schema's own user (no FK: the record outlives
    nothing it points at and is purged after its window).
    """

    id = models.BigAutoField(primary_key=True)
    user_id = models.BigIntegerField()
    key = models.CharField(max_length=255)
    # sha256 over method, path with query, content type and body (multipart: its parsed
    # fields and files, not the raw body with its per-send boundary).
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=2000)
    status_code = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=200, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_id", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
