"""The weighted average, the forecast of the period mark and "marks needed" (MRK-4).

Rounding rule (documented in docs/journal.md):

1. average = Σ(value × weight) / Σ(weight) over the pupil's effective marks (annulled marks
   drop out, corrected marks count with their new value), computed exactly (fractions);
2. the average shown is rounded to 2 decimals, half up (4.445 → 4.45);
3. the forecast is the shown average rounded to a whole mark, half up: from 4.50 a «5»,
   from 3.50 a «4», from 2.50 a «3», below that a «2» — so what a parent sees and the
   forecast never disagree;
4. "marks needed for the next mark up" is the least number of «5» of the lightest weight
   that lifts the shown average to the next threshold.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

TWO_PLACES = Decimal("0.01")


def exact_average(marks: Iterable[tuple[int, int]]) -> Fraction | None:
    """Σ(value·weight)/Σ(weight) exactly; None when there are no marks."""
    total = weights = 0
    for value, weight in marks:
        total += value * weight
        weights += weight
    if weights == 0:
        return None
    return Fraction(total, weights)


def shown_average(marks: Iterable[tuple[int, int]]) -> Decimal | None:
    avg = exact_average(marks)
    if avg is None:
        return None
    return (Decimal(avg.numerator) / Decimal(avg.denominator)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )


def forecast(average: Decimal | None, scale: tuple[int, ...] = (2, 3, 4, 5)) -> int | None:
    """The period mark the shown average points to (half up), kept within the scale."""
    if average is None:
        return None
    mark = int(average.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return max(min(scale), min(max(scale), mark))


def marks_needed_for_next(
    marks: list[tuple[int, int]],
    *,
    weight: int = 1,
    scale: tuple[int, ...] = (2, 3, 4, 5),
    limit: int = 100,
) -> int | None:
    """How many top marks of `weight` lift the forecast one step; None if already the top."""
    current = forecast(shown_average(marks), scale)
    top = max(scale)
    if current is not None and current >= top:
        return None
    target = min(scale) + 1 if current is None else current + 1
    extra: list[tuple[int, int]] = []
    for n in range(1, limit + 1):
        extra.append((top, weight))
        fc = forecast(shown_average([*marks, *extra]), scale)
        if fc is not None and fc >= target:
            return n
    return None
