"""Per-school delivery of notification digests (COM-2), idempotent by natural keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from tenants.tasking import SchoolTask

DIGEST_TASK = "messaging.digest_deliver"
URGENT_TASK = "messaging.urgent_send"


def digest_key(*, day: dt.date, recipient_id: int, channel: str) -> str:
    """The work's natural key: one digest per recipient × day × channel."""
    return f"{DIGEST_TASK}:{day.isoformat()}:{recipient_id}:{channel}"


@shared_task(base=SchoolTask, name="messaging.digests_send")
def digests_send(day: str | None = None) -> int:
    """Ask for one digest task per parent with news (every evening, in each school)."""
    from journal.messaging.models import Channel
    from journal.messaging.notifications import digest_recipients, events_from_forecasts
    from outbox.services import outbox_enqueue

    on = dt.date.fromisoformat(day) if day else timezone.localdate()
    with transaction.atomic():
        events_from_forecasts(day=on)  # failing forecasts join the day's news first
    asked = 0
    with transaction.atomic():
        for channel in (Channel.EMAIL, Channel.PUSH):  # each channel on its own: never blocks
            for rid in digest_recipients(day=on, channel=channel):
                outbox_enqueue(
                    task=DIGEST_TASK,
                    kwargs={"recipient_id": rid, "day": on.isoformat(), "channel": channel},
                    key=digest_key(day=on, recipient_id=rid, channel=channel),
                )
                asked += 1
    return asked


def _seconds_until(moment: dt.datetime) -> int:
    return max(60, int((moment - timezone.now()).total_seconds()) + 1)


@shared_task(
    base=SchoolTask,
    name=DIGEST_TASK,
    bind=True,
    autoretry_for=(OSError,),  # notifications.DeliveryFailed: the channel failed
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
)
def digest_deliver(
    self: Any,
    recipient_id: int,
    day: str,
    channel: str = "email",
    event_id: int | None = None,
) -> int:
    """One recipient's digest of the day (or one urgent event); a second run, or a
    redelivery, sends nothing. A failing channel is retried with backoff and never blocks
    the other recipients; in the recipient's quiet hours it waits until they end."""
    from journal.messaging.notifications import QuietHours
    from journal.messaging.notifications import digest_deliver as deliver

    try:
        return deliver(
            recipient_id=recipient_id,
            day=dt.date.fromisoformat(day),
            channel=channel,
            event_id=event_id,
        )
    except QuietHours as quiet:
        raise self.retry(countdown=_seconds_until(quiet.until), max_retries=None) from None


@shared_task(
    base=SchoolTask,
    name=URGENT_TASK,
    bind=True,
    retry_backoff=60,
    max_retries=12,
)
def urgent_send(self: Any, event_id: int) -> int:
    """An event of a kind the school marked urgent, to each parent at once (COM-2). A
    parent in quiet hours or whose mail failed is tried again later; those told are not
    told twice (Delivery's natural key)."""
    from journal.messaging.models import Channel, NotificationEvent
    from journal.messaging.notifications import (
        DeliveryFailed,
        QuietHours,
        urgent_recipients,
    )
    from journal.messaging.notifications import digest_deliver as deliver

    event = NotificationEvent.objects.filter(pk=event_id).first()
    if event is None:  # withdrawn before it went (a reason given, a mark corrected)
        return 0
    sent, later = 0, []
    for rid in urgent_recipients(event_id=event_id):
        try:
            sent += deliver(
                recipient_id=rid, day=event.occurred_on, channel=Channel.EMAIL, event_id=event_id
            )
        except QuietHours as quiet:
            later.append(_seconds_until(quiet.until))
        except DeliveryFailed:
            later.append(60 * 2 ** min(self.request.retries, 6))
    if later:
        raise self.retry(countdown=min(later))
    return sent


@shared_task(base=SchoolTask, name="messaging.purge")
def purge() -> int:
    """Conversations past the adopted retention (daily, in each school). Naturally
    idempotent: a second run finds nothing older."""
    from journal.messaging.services import messages_purge

    return messages_purge()
