"""MRK-3: period, year, exam and final marks open near the end of the period and close at
the deadline of the school's order; the teacher of the subject enters them, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.errors import ApplicationError, PermissionDeniedError
from journal.register import services as reg
from journal.register.models import PeriodMark
from journal.structure.models import ReportingPeriod
from tests import clock
from tests.world import World


def in_window(period: ReportingPeriod) -> dt.date:
    """A day when the period's marks are open: its last days (from 14 days before the end)."""
    return period.ends_on - dt.timedelta(days=3)


def _create(world: World, **kw: object) -> PeriodMark:
    args: dict[str, object] = {
        "pupil": world.pupils[0],
        "assignment": world.math5a,
        "kind": "period",
        "value": "4",
        "period": world.period,
        "by": world.users["teacher"],
    }
    args.update(kw)
    return reg.period_mark_create(**args)  # type: ignore[arg-type]


def test_period_mark_within_window_once_mrk3(world: World) -> None:
    """Three days before the period ends: open (from 14 days before the end), before the due."""
    with schema_context("school1"), clock.on(in_window(world.period)):
        mark = _create(world)
        assert (mark.value, mark.kind) == ("4", "period")
        with pytest.raises(ValidationError) as err:
            _create(world, value="5")
        assert err.value.message_dict["value"] == ["Эта отметка уже выставлена."]


def test_period_mark_too_early_is_refused_mrk3(world: World) -> None:
    opens = world.period.ends_on - dt.timedelta(days=14)
    with schema_context("school1"), clock.on(opens - dt.timedelta(days=1)):
        with pytest.raises(ApplicationError) as err:
            _create(world)
        assert err.value.message == f"Рано: отметку можно выставить не ранее {opens:%d.%m.%Y}."
        assert not PeriodMark.objects.exists()
    with schema_context("school1"), clock.on(opens):
        assert _create(world).value == "4"


def test_period_mark_after_the_order_deadline_is_refused_mrk3(world: World) -> None:
    day = in_window(world.period)
    with schema_context("school1"), clock.on(day):
        due = day - dt.timedelta(days=1)
        ReportingPeriod.objects.filter(pk=world.period.pk).update(marks_due=due)
        world.period.refresh_from_db()
        with pytest.raises(ApplicationError) as err:
            _create(world)
        assert err.value.message == f"Срок выставления отметки истёк {due:%d.%m.%Y} (приказ школы)."
        assert err.value.field_errors == {"value": ["Срок выставления истёк."]}


def test_default_period_deadline_is_a_week_after_the_end_mrk3(world: World) -> None:
    with schema_context("school1"):
        last_day = world.period.ends_on + dt.timedelta(days=7)
        with clock.on(last_day):
            assert _create(world).value == "4"
        with (
            clock.on(last_day + dt.timedelta(days=1)),
            pytest.raises(ApplicationError, match="Срок выставления отметки истёк"),
        ):
            _create(world, pupil=world.pupils[1])


def test_year_exam_final_marks_follow_the_year_deadlines_mrk3(world: World) -> None:
    year = world.year
    with schema_context("school1"):
        year.year_marks_due = year.ends_on - dt.timedelta(days=2)
        year.save(update_fields=["year_marks_due"])
        world.math5a.year.refresh_from_db()
        near_end = year.ends_on - dt.timedelta(days=5)
        with clock.on(near_end):
            assert _create(world, kind="year", period=None, value="5").kind == "year"
            assert _create(world, kind="exam", period=None, value="зач").value == "зач"
        late = year.ends_on - dt.timedelta(days=1)
        with clock.on(late):
            with pytest.raises(ApplicationError, match="Срок выставления отметки истёк"):
                _create(world, kind="year", period=None, pupil=world.pupils[1])
            # The final mark has no own deadline: the end of the year.
            assert _create(world, kind="final", period=None, value="5").kind == "final"


def test_period_mark_values_and_roles_mrk3(world: World) -> None:
    with schema_context("school1"), clock.on(in_window(world.period)):
        with pytest.raises(ValidationError) as err:
            _create(world, value="6")
        assert "Недопустимое значение" in err.value.message_dict["value"][0]
        with pytest.raises(ValidationError) as err:
            _create(world, period=None)
        assert err.value.message_dict["period_id"] == ["Укажите отчётный период."]
        with pytest.raises(ValidationError) as err:
            _create(world, pupil=world.other_pupil)
        assert err.value.message_dict["pupil_id"] == ["Обучающийся не учится в этом классе."]
        for persona in ("other_teacher", "class_teacher", "deputy", "pupil", "parent"):
            with pytest.raises(PermissionDeniedError):
                _create(world, by=world.users[persona])
        assert _create(world, value="н/а").value == "н/а"


def test_period_mark_api_russian_400_mrk3(world: World) -> None:
    too_early = world.period.ends_on - dt.timedelta(days=15)
    with clock.on(too_early):
        response = world.client("teacher").post(
            "/api/v1/register/period-marks/create/",
            {
                "pupil_id": world.pupils[0].pk,
                "assignment_id": world.math5a.pk,
                "period_id": world.period.pk,
                "kind": "period",
                "value": "5",
            },
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Рано: отметку можно выставить не ранее")
    bad = world.client("teacher").post(
        "/api/v1/register/period-marks/create/", {"kind": "quarter"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"]["pupil_id"] == ["Обязательное поле."]
