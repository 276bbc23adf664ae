"""MRK-3: the year sheet's year and exam marks are saved at once, all or nothing, each line
checked by `period_mark_create` (scale, special values, deadline); refusals name the line."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.errors import ApplicationError
from journal.register import services as reg
from journal.register.models import PeriodMark
from tests import clock
from tests.world import World, last_period_end


def near_year_end(world: World) -> dt.date:
    """Year and exam marks are open in the year's last two weeks (the regulation's default)."""
    return last_period_end(world) - dt.timedelta(days=3)


def test_year_and_exam_marks_saved_together_mrk3(world: World) -> None:
    p = world.pupils
    with schema_context("school1"), clock.on(near_year_end(world)):
        saved = reg.year_sheet_save(
            assignment=world.math5a,
            marks={
                "year": [reg.PeriodMarkInput(p[0].pk, "4"), reg.PeriodMarkInput(p[1].pk, "н/а")],
                "exam": [reg.PeriodMarkInput(p[0].pk, "5")],
            },
            by=world.users["teacher"],
        )
        assert sorted((m.kind, m.pupil_id, m.value) for m in saved) == [
            ("exam", p[0].pk, "5"),
            ("year", p[0].pk, "4"),
            ("year", p[1].pk, "н/а"),
        ]


def test_a_bad_line_of_either_kind_writes_nothing_mrk3(world: World) -> None:
    p = world.pupils
    with schema_context("school1"), clock.on(near_year_end(world)):
        with pytest.raises(ValidationError) as err:
            reg.year_sheet_save(
                assignment=world.math5a,
                marks={
                    "year": [reg.PeriodMarkInput(p[0].pk, "4")],
                    "exam": [reg.PeriodMarkInput(p[0].pk, "5"), reg.PeriodMarkInput(p[1].pk, "6")],
                },
                by=world.users["teacher"],
            )
        assert list(err.value.message_dict) == ["exam[1]"]
        with pytest.raises(ValidationError) as empty:
            reg.year_sheet_save(
                assignment=world.math5a, marks={"year": []}, by=world.users["teacher"]
            )
        assert empty.value.message_dict == {"marks": ["Нет ни одной отметки."]}
        with pytest.raises(ValidationError):
            reg.year_sheet_save(
                assignment=world.math5a,
                marks={"final": [reg.PeriodMarkInput(p[0].pk, "5")]},
                by=world.users["teacher"],
            )
        assert not PeriodMark.objects.exists()


def test_year_marks_before_their_window_are_refused_mrk3(world: World) -> None:
    opens = last_period_end(world) - dt.timedelta(days=14)  # late May, not August
    with schema_context("school1"), clock.on(opens - dt.timedelta(days=1)):
        with pytest.raises(ApplicationError, match="Рано"):
            reg.year_sheet_save(
                assignment=world.math5a,
                marks={"year": [reg.PeriodMarkInput(world.pupils[0].pk, "5")]},
                by=world.users["teacher"],
            )
        assert not PeriodMark.objects.exists()
