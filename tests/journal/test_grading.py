"""MRK-4: weighted average, forecast and "marks needed", by hand and against a reference."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from journal.register.grading import forecast, marks_needed_for_next, shown_average


def test_hand_computed_average_and_forecast_mrk4() -> None:
    # 5 (w1), 4 (w1), 3 (w3 test): (5 + 4 + 9) / 5 = 3.6 → forecast 4
    marks = [(5, 1), (4, 1), (3, 3)]
    assert shown_average(marks) == Decimal("3.60")
    assert forecast(shown_average(marks)) == 4
    # 4, 5 → 4.5 exactly → «5» (half up)
    assert forecast(shown_average([(4, 1), (5, 1)])) == 5
    # 2/3 of the way: (4·2 + 5) / 3 = 4.333… → 4.33 → «4»
    assert shown_average([(4, 2), (5, 1)]) == Decimal("4.33")
    assert forecast(Decimal("4.33")) == 4
    # 2, 3 → 2.5 → «3»; 2, 2, 3 → 2.33 → «2»
    assert forecast(shown_average([(2, 1), (3, 1)])) == 3
    assert forecast(shown_average([(2, 1), (2, 1), (3, 1)])) == 2
    assert shown_average([]) is None and forecast(None) is None


def test_marks_needed_for_next_mark_up_mrk4() -> None:
    # 3 and 4 (avg 3.5 → «4»): one «5» gives 4.0 (still «4»), two give 4.25, three 4.4,
    # four 4.5 → «5»: four fives needed.
    assert marks_needed_for_next([(3, 1), (4, 1)]) == 4
    # 3, 3 (avg 3.0 → «3»): one «5» → 3.67 → «4»
    assert marks_needed_for_next([(3, 1), (3, 1)]) == 1
    assert marks_needed_for_next([(5, 1)]) is None  # already the top
    # a heavy «2» (test, weight 3): 2·3 = 6 / 3 = 2 → to reach 2.5 one «5» of weight 1 →
    # (6 + 5) / 4 = 2.75 → «3»
    assert marks_needed_for_next([(2, 3)]) == 1


@given(st.lists(st.tuples(st.sampled_from([2, 3, 4, 5]), st.integers(1, 10)), max_size=60))
def test_average_matches_reference_formula_property_mrk4(marks: list[tuple[int, int]]) -> None:
    avg = shown_average(marks)
    if not marks:
        assert avg is None
        return
    reference = sum(v * w for v, w in marks) / sum(w for _, w in marks)
    assert avg is not None
    assert abs(float(avg) - reference) <= 0.005 + 1e-9
    assert 2 <= avg <= 5
    fc = forecast(avg)
    assert fc is not None and abs(fc - float(avg)) <= 0.5
