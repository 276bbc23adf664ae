"""How the reports count (REP-1, STAT-1): written once, here and in docs/reports.md.

Every figure of the class results (итоги успеваемости) comes from the **period marks**
(`PeriodMark`, kind «за период») of one class × one reporting period:

- **Who is counted.** The pupils on the class list on the period's last day
  (`ClassMembership.objects.on(period.ends_on)`); for a subject taught in subgroups, those
  of them in one of its subgroups. A pupil who arrived in the middle of the period is
  counted like any other (attested if the teacher gave a period mark); a pupil who left
  before the last day is not counted here (the movement report shows them).
- **Values.** «5», «4», «3», «2» on the scale; «н/а» (не аттестован); «зач» / «незач»;
  «осв» (освобождён). **No mark** (the teacher has not given one) counts as not attested.
- **Subject to attestation** N = counted pupils − exempt («осв»). Exempt pupils are left
  out of every rate.
- **Успеваемость, %** = (N − «2» − «незач» − not attested) / N × 100.
- **Качество знаний, %** = («5» + «4») / Nq × 100, with Nq = N − «зач» − «незач» (a
  pass/fail subject has no quality).
- **СОУ, %** = (100·n5 + 64·n4 + 36·n3 + 16·n2) / Nq (not attested pupils are in Nq with
  weight 0).
- **Средний балл** = the mean of the numeric period marks (2–5).
- **Rounding.** Computed exactly (fractions), then rounded half up: percentages to one
  decimal (2/3 → 66,7 %), the average to two decimals (4,445 → 4,45). N = 0 gives no
  figure («—»), not 0 %.

The class's own figures (pupil-based, across all subjects, `ClassStanding`): a pupil is
**not attested** with any «н/а» or missing mark; **with «2»** with any «2» or «незач» (a
pupil may be both); **successful** with neither; **on «5»** when every numeric mark is
«5»; **on «4» and «5»** when every numeric mark is «4» or «5» (the «5»-only pupils
included: the class's quality rate is their share); **with one «3»** when exactly one mark
is «3» and the others «4» or «5». Exempt subjects («осв») and pass marks («зач») are left
out of a pupil's figures; a pupil exempt from everything is not counted at all.

Attendance: a **missed lesson** is an absence coded Б, У or Н; О (late) is counted apart
and is not a missed lesson.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

NOT_ATTESTED = "н/а"
PASSED = "зач"
NOT_PASSED = "незач"
EXEMPT = "осв"
NUMERIC = ("5", "4", "3", "2")
MISSED_CODES = ("Б", "У", "Н")
LATE_CODE = "О"

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")


def rounded(value: Fraction, places: Decimal) -> Decimal:
    """An exact fraction rounded half up to `places` (the reports' one rounding rule)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        places, rounding=ROUND_HALF_UP
    )


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole × 100, one decimal, half up; None when whole is 0."""
    if whole <= 0:
        return None
    return rounded(Fraction(100 * part, whole), ONE_PLACE)


def average(values: Iterable[int]) -> Decimal | None:
    """The mean of whole marks, two decimals, half up; None without marks."""
    marks = list(values)
    if not marks:
        return None
    return rounded(Fraction(sum(marks), len(marks)), TWO_PLACES)


@dataclass(frozen=True)
class Tally:
    """The period marks of one subject of a class (one row of the class results)."""

    pupils: int = 0
    n5: int = 0
    n4: int = 0
    n3: int = 0
    n2: int = 0
    not_attested: int = 0  # «н/а» or no mark
    exempt: int = 0  # «осв»
    passed: int = 0  # «зач»
    not_passed: int = 0  # «незач»

    @property
    def subject_to_attestation(self) -> int:
        return self.pupils - self.exempt

    @property
    def graded(self) -> int:
        """Nq: subject to attestation on the mark scale (pass/fail left out)."""
        return self.subject_to_attestation - self.passed - self.not_passed

    @property
    def success_rate(self) -> Decimal | None:
        n = self.subject_to_attestation
        return percent(n - self.n2 - self.not_passed - self.not_attested, n)

    @property
    def quality_rate(self) -> Decimal | None:
        return percent(self.n5 + self.n4, self.graded)

    @property
    def learning_degree(self) -> Decimal | None:
        if self.graded <= 0:
            return None
        weighted = 100 * self.n5 + 64 * self.n4 + 36 * self.n3 + 16 * self.n2
        return rounded(Fraction(weighted, self.graded), ONE_PLACE)

    @property
    def average_mark(self) -> Decimal | None:
        return average(
            [5] * self.n5 + [4] * self.n4 + [3] * self.n3 + [2] * self.n2,
        )


def tally(values: Iterable[str | None]) -> Tally:
    """Count one subject's period marks; None is a pupil without a mark (not attested)."""
    counts = dict.fromkeys(
        ("n5", "n4", "n3", "n2", "not_attested", "exempt", "passed", "not_passed"), 0
    )
    pupils = 0
    for value in values:
        pupils += 1
        if value in NUMERIC:
            counts[f"n{value}"] += 1
        elif value == EXEMPT:
            counts["exempt"] += 1
        elif value == PASSED:
            counts["passed"] += 1
        elif value == NOT_PASSED:
            counts["not_passed"] += 1
        else:  # «н/а», no mark, or a value this version does not know
            counts["not_attested"] += 1
    return Tally(pupils=pupils, **counts)


@dataclass(frozen=True)
class PupilStanding:
    """One pupil's period marks across the subjects (None: no mark)."""

    values: tuple[str | None, ...]

    @property
    def counted(self) -> list[str | None]:
        return [v for v in self.values if v not in (EXEMPT, PASSED)]

    @property
    def numeric(self) -> list[int]:
        return [int(v) for v in self.counted if v in NUMERIC]

    @property
    def is_counted(self) -> bool:
        return bool(self.counted)

    @property
    def not_attested(self) -> bool:
        # «н/а», no mark (None), or a value this version does not know
        return any(v not in (*NUMERIC, NOT_PASSED) for v in self.counted)

    @property
    def with_two(self) -> bool:
        return any(v in ("2", NOT_PASSED) for v in self.counted)

    @property
    def successful(self) -> bool:
        return not (self.not_attested or self.with_two)

    @property
    def on_five(self) -> bool:
        return self.successful and bool(self.numeric) and all(m == 5 for m in self.numeric)

    @property
    def on_four_five(self) -> bool:
        return self.successful and bool(self.numeric) and all(m >= 4 for m in self.numeric)

    @property
    def one_three(self) -> bool:
        return self.successful and self.numeric.count(3) == 1


@dataclass(frozen=True)
class ClassStanding:
    """The class's pupil-based figures for the period (the summary under the table)."""

    pupils: int
    successful: int
    on_five: int
    on_four_five: int
    one_three: int
    with_two: int
    not_attested: int
    average_mark: Decimal | None

    @property
    def success_rate(self) -> Decimal | None:
        return percent(self.successful, self.pupils)

    @property
    def quality_rate(self) -> Decimal | None:
        return percent(self.on_four_five, self.pupils)


def class_standing(pupils: Iterable[PupilStanding]) -> ClassStanding:
    counted = [p for p in pupils if p.is_counted]
    return ClassStanding(
        pupils=len(counted),
        successful=sum(p.successful for p in counted),
        on_five=sum(p.on_five for p in counted),
        on_four_five=sum(p.on_four_five for p in counted),
        one_three=sum(p.one_three for p in counted),
        with_two=sum(p.with_two for p in counted),
        not_attested=sum(p.not_attested for p in counted),
        average_mark=average(m for p in counted for m in p.numeric),
    )
