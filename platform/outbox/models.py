"""The transactional outbox and the record of done tasks, in public and in every school."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """Work requested inside a transaction: a task to send once that transaction commits.

    Written with the caller's own rows, so the request for work exists exactly when the
    change that asked for it was committed. The relay publishes unsent rows (right after
    commit, and again every minute), so a broker that is down at commit time delays the
    work but never loses it.
    """

    id = models.BigAutoField(primary_key=True)
    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, blank=True)
    # The work's natural key: one message per key, and the Celery task id derives from it.
    key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} [{self.key}]"


class TaskRun(models.Model):
    """A task's effect is committed: inserted in the same transaction as that effect.

    Celery with acks_late redelivers a task whose worker died before the ack; the
    redelivered copy finds its row and does nothing.
    """

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=255, unique=True)
    task = models.CharField(max_length=200)
    done_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.key
