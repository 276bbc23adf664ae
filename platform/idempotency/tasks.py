"""Daily removal of idempotency keys past their window, in each school and in public."""

from __future__ import annotations

from celery import shared_task

from tenants.tasking import PlatformTask, SchoolTask


@shared_task(base=SchoolTask, name="idempotency.purge")
def purge() -> int:
    # Naturally idempotent: deleting what is past the window twice deletes nothing more.
    from idempotency.services import idempotency_purge

    return idempotency_purge()


@shared_task(base=PlatformTask, name="idempotency.purge_public")
def purge_public() -> int:
    from idempotency.services import idempotency_purge

    return idempotency_purge()
