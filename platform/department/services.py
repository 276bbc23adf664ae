"""Writes of the rollups: one school's figures upserted into public (issue #13)."""

from __future__ import annotations

import dataclasses
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from core.tenancy import db
from department.models import MonthRollup, PeriodRollup, RollupRun
from department.school_side import school_figures
from tenants.models import School


@transaction.atomic
def rollup_refresh() -> RollupRun:
    """Count the current school's figures and replace its rows in public, in one
    transaction: run twice, the same rows. Only the current school's rows are touched:
    the school comes from the connection's schema, never from an argument."""
    schema = db.schema_name
    if schema == "public":
        raise ApplicationError("Сводные показатели считаются в схеме школы.")
    school = School.objects.get(schema_name=schema)
    figures = school_figures()
    now = timezone.now()
    version = figures.rules_version
    PeriodRollup.objects.filter(school=school, rules_version=version).delete()
    MonthRollup.objects.filter(school=school, rules_version=version).delete()
    PeriodRollup.objects.bulk_create(
        PeriodRollup(school=school, rules_version=version, computed_at=now, **dataclasses.asdict(f))
        for f in figures.periods
    )
    MonthRollup.objects.bulk_create(
        MonthRollup(school=school, rules_version=version, computed_at=now, **dataclasses.asdict(f))
        for f in figures.months
    )
    rows = len(figures.periods) + len(figures.months)
    run, _ = RollupRun.objects.update_or_create(
        school=school,
        defaults={"status": RollupRun.Status.OK, "finished_at": now, "error": "", "rows": rows},
    )
    return run


def rollup_failed(*, schema: str, error: str) -> None:
    """Record a failed rollup for the operator console (the message, not the data)."""
    school = School.objects.filter(schema_name=schema).first()
    if school is not None:
        RollupRun.objects.update_or_create(
            school=school,
            defaults={"status": RollupRun.Status.FAILED, "error": error[:300]},
        )


def rollup_request(*, school: School, countdown: float = 0) -> str:
    """Send one school's rollup task (the operator's «обновить», the fan-out)."""
    from celery import current_app

    if school.status != School.Status.ACTIVE:
        raise ApplicationError("Школа не работает: сводные показатели не обновляются.")
    RollupRun.objects.update_or_create(
        school=school,
        defaults={"status": RollupRun.Status.QUEUED, "requested_at": timezone.now()},
    )
    result = current_app.send_task(
        "department.rollup_school",
        headers={"_schema_name": school.schema_name},
        countdown=countdown,
    )
    return str(result.id)


def rollup_enqueue(*, key: str) -> None:
    """Ask for the current school's rollup through the outbox, in the caller's transaction
    (a period closed, the year closed): once per `key` -- the outbox keeps one message per
    key and the task id comes from it, so a repeated call or a redelivery adds nothing."""
    from outbox.services import outbox_enqueue

    schema = db.schema_name
    if schema == "public":
        raise ApplicationError("Сводные показатели считаются в схеме школы.")
    message = outbox_enqueue(task="department.rollup_school", key=key)
    if message.sent_at is None:
        RollupRun.objects.filter(school__schema_name=schema).exclude(
            status=RollupRun.Status.FAILED
        ).update(status=RollupRun.Status.QUEUED, requested_at=timezone.now())


def fan_out_countdowns(
    count: int,
    *,
    cap: int | None = None,
    spacing: float | None = None,
    rng: random.Random | None = None,
) -> list[float]:
    """When each of `count` schools' tasks starts: at most `cap` in each `spacing` seconds,
    each with a random jitter inside its slot (2,000 schools never fire at once)."""
    cap = cap or int(getattr(settings, "DEPARTMENT_ROLLUP_CAP", 20))
    spacing = spacing or float(getattr(settings, "DEPARTMENT_ROLLUP_SPACING_SECONDS", 30))
    rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
    return [(i // cap) * spacing + rng.uniform(0, spacing) for i in range(count)]
