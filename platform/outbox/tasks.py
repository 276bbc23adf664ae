"""The outbox relay: every minute in each school (via tenants.for_each_school) and public."""

from __future__ import annotations

from celery import shared_task

from tenants.tasking import PlatformTask, SchoolTask


@shared_task(base=SchoolTask, name="outbox.relay")
def relay() -> int:
    # Naturally idempotent: it publishes what is unsent; a second run finds nothing.
    from outbox.services import outbox_purge, outbox_relay

    sent = outbox_relay()
    outbox_purge()
    return sent


@shared_task(base=PlatformTask, name="outbox.relay_public")
def relay_public() -> int:
    from outbox.services import outbox_purge, outbox_relay

    sent = outbox_relay()
    outbox_purge()
    return sent
