"""k of the small-cell rule comes from the adopted templates (TPL-1, SEC-4, STAT-1): the
municipality applies the largest `small_cell_k` of the active schools' adopted rules, so
the 3-pupil 8th grade is shown with k = 3 and hidden with k = 5."""

from __future__ import annotations

from typing import Any

import pytest
from department.selectors import Filters, department_table, period_list, small_cell_k
from django.core.exceptions import ValidationError

from catalog.schema import validate_rules, with_defaults
from tests.catalog.adopt import adopt_rules
from tests.department.schools import HandSchool


def _grade_8(a: HandSchool) -> Any:
    q2 = next(p for p in period_list() if p.title == a.q2.title)
    return department_table(filters=Filters(period=q2, grade=8, group=("grade",))).rows[0]


def test_k_3_adopted_by_every_school_shows_the_3_pupil_grade(
    hand_schools: dict[str, HandSchool],
) -> None:
    assert small_cell_k() == 5  # the seeded templates: the default
    hidden = _grade_8(hand_schools["A"])
    assert hidden.suppressed and hidden.figures == {} and hidden.counts == {}

    adopt_rules("school1", small_cell_k=3)
    assert small_cell_k() == 5  # school2 still adopts 5: the strictest school's k wins
    assert _grade_8(hand_schools["A"]).suppressed

    adopt_rules("school2", small_cell_k=3)
    assert small_cell_k() == 3
    shown = _grade_8(hand_schools["A"])
    assert not shown.suppressed
    assert (shown.figures["pupils"], shown.figures["n5"]) == (3, 3)


def test_a_school_raising_k_raises_it_for_the_municipality(
    hand_schools: dict[str, HandSchool],
) -> None:
    adopt_rules("school2", small_cell_k=7)
    assert small_cell_k() == 7
    q2 = next(p for p in period_list() if p.title == hand_schools["A"].q2.title)
    table = department_table(filters=Filters(period=q2, group=("school",)))
    # school2 has 5 pupils of mathematics: below 7 now, so hidden
    assert [
        r.suppressed for r in table.rows if r.labels["school"] != table.rows[0].labels["school"]
    ] == [True]


def test_k_is_validated_by_the_rules_schema(settings: Any) -> None:
    with pytest.raises(ValidationError) as error:
        validate_rules(with_defaults({"small_cell_k": 1}))
    assert error.value.message_dict == {"rules.small_cell_k": ["Значение должно быть не меньше 2."]}
    with pytest.raises(ValidationError):
        validate_rules(with_defaults({"small_cell_k": "пять"}))
    assert validate_rules(with_defaults({"small_cell_k": 3}))["small_cell_k"] == 3


def test_the_setting_is_a_floor_under_the_adopted_k(db: None, settings: Any) -> None:
    settings.DEPARTMENT_SMALL_CELL_K = 10
    assert small_cell_k() == 10
    settings.DEPARTMENT_SMALL_CELL_K = 2
    assert small_cell_k() == 5
