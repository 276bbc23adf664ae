"""A school's rollup refreshes when a reporting period ends or closes (issue #13, STAT-1):
enqueued through the outbox once per day of the event, whatever runs the check again."""

from __future__ import annotations

import datetime as dt

from django_tenants.utils import schema_context

from journal.register.models import MarkDeadline
from journal.register.services import period_marks_close_on
from journal.rollup.closing import rollup_at_period_close
from outbox.models import OutboxMessage
from tests import clock
from tests.department.schools import HandSchool

TASK = "department.rollup_school"


def _messages() -> list[tuple[str, str]]:
    return sorted(OutboxMessage.objects.filter(task=TASK).values_list("key", "task"))


def test_a_period_that_ended_yesterday_enqueues_the_rollup_once(
    hand_schools: dict[str, HandSchool],
) -> None:
    a = hand_schools["A"]
    day = a.q2.ends_on + dt.timedelta(days=1)
    with clock.on(day), schema_context("school1"):
        before = _messages()
        closing = rollup_at_period_close(today=day)
        assert a.q2 in closing
        key = f"department.rollup:periods-closed:{a.q2.ends_on.isoformat()}"
        assert _messages() == sorted([*before, (key, TASK)])
        rollup_at_period_close(today=day)  # the check again (a second beat, a redelivery)
        assert _messages() == sorted([*before, (key, TASK)])
    with schema_context("school2"):
        assert (key, TASK) not in _messages()  # only the school whose check ran


def test_nothing_is_enqueued_on_a_day_no_period_ends_or_closes(
    hand_schools: dict[str, HandSchool],
) -> None:
    a = hand_schools["A"]
    day = a.q2.ends_on - dt.timedelta(days=3)
    with clock.on(day), schema_context("school1"):
        before = _messages()
        assert rollup_at_period_close(today=day) == []
        assert _messages() == before


def test_the_school_orders_deadline_closes_the_period_marks(
    hand_schools: dict[str, HandSchool],
) -> None:
    a = hand_schools["A"]
    due = a.q2.ends_on + dt.timedelta(days=10)
    with clock.on(a.q2.ends_on), schema_context("school1"):
        MarkDeadline.objects.create(
            year=a.year,
            period=a.q2,
            kind="period",
            due_on=due,
            order_number="15-о",
            order_date=a.q2.ends_on,
            set_by=a.users["deputy"],
        )
        assert period_marks_close_on(a.q2) == due
        day = due + dt.timedelta(days=1)
        assert rollup_at_period_close(today=day) == [a.q2]
        assert (f"department.rollup:periods-closed:{due.isoformat()}", TASK) in _messages()
        # the default day after the period's end is not a closing day any more
        assert a.q2 not in rollup_at_period_close(today=a.q2.ends_on + dt.timedelta(days=8))


def test_the_daily_check_is_scheduled_in_every_school(settings: object) -> None:
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["department-rollups-at-period-close"]  # type: ignore[attr-defined]
    assert entry["task"] == "tenants.for_each_school"
    assert entry["args"] == ["rollup.at_period_close"]
    app.loader.import_default_modules()
    assert "rollup.at_period_close" in app.tasks
