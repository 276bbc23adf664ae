"""Per-school delivery of notification digests (COM-2), idempotent by natural keys."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from tenants.tasking import SchoolTask

DIGEST_TASK = "messaging.digest_deliver"


def digest_key(*, day: dt.date, recipient_id: int, channel: str) -> str:
    """The work's natural key: one digest per recipient × day × channel."""
    return f"{DIGEST_TASK}:{day.isoformat()}:{recipient_id}:{channel}"


@shared_task(base=SchoolTask, name="messaging.digests_send")
def digests_send(day: str | None = None) -> int:
    """Ask for one digest task per parent with news (every evening, in each school)."""
    from journal.messaging.models import Channel
    from journal.messaging.notifications import digest_recipients
    from outbox.services import outbox_enqueue

    on = dt.date.fromisoformat(day) if day else timezone.localdate()
    recipients = digest_recipients(day=on)
    with transaction.atomic():
        for rid in recipients:
            outbox_enqueue(
                task=DIGEST_TASK,
                kwargs={"recipient_id": rid, "day": on.isoformat(), "channel": Channel.EMAIL},
                key=digest_key(day=on, recipient_id=rid, channel=Channel.EMAIL),
            )
    return len(recipients)


@shared_task(
    base=SchoolTask,
    name=DIGEST_TASK,
    autoretry_for=(OSError,),  # notifications.DeliveryFailed: the channel failed
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
)
def digest_deliver(recipient_id: int, day: str, channel: str = "email") -> int:
    """One recipient's digest of the day; a second run (or a redelivery) sends nothing.
    A failing channel is retried with backoff and never blocks the other recipients."""
    from journal.messaging.notifications import digest_deliver as deliver

    return deliver(recipient_id=recipient_id, day=dt.date.fromisoformat(day), channel=channel)
