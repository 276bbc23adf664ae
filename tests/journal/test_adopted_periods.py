"""The adopted period scheme makes the school's periods, per grade band, with the central
calendar's holidays; the year records the regulation version in force (TPL-2, SET-1,
issue 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from accounts import roles
from catalog import services as catalog
from catalog.models import PeriodScheme, SchoolAdoption
from catalog.seed import FIRST_GRADE_HOLIDAY, PERIOD_SCHEMES
from catalog.selectors import current_rules, rules_cache_invalidate
from journal.structure import services as structure
from journal.structure.models import AcademicYear, ReportingPeriod, ScheduleBreak
from tests.world import make_user


def adopt_scheme(school: Any, code: str) -> None:
    adoption = SchoolAdoption.objects.get(school=school)
    catalog.school_adopt(
        school=school,
        regulation_version=adoption.regulation_version,
        period_scheme=PeriodScheme.objects.get(code=code),
        by=None,
    )
    rules_cache_invalidate(schema_names=[school.schema_name])


def periods_of(year: AcademicYear) -> list[tuple[str, int, int, int, str, str]]:
    return [
        (p.kind, p.number, p.grade_from, p.grade_to, p.starts_on.isoformat(), p.ends_on.isoformat())
        for p in ReportingPeriod.objects.filter(year=year).order_by("grade_from", "number")
    ]


def create_year(schema: str, start_year: int, **extra: Any) -> AcademicYear:
    with schema_context(schema):
        director = make_user(f"director{start_year}", roles.DIRECTOR)
        return structure.academic_year_create(
            title=f"{start_year}/{start_year + 1}",
            starts_on=extra.pop("starts_on", dt.date(start_year, 9, 1)),
            ends_on=dt.date(start_year + 1, 8, 31),
            by=director,
            **extra,
        )


def shifted(spans: list[dict[str, Any]], years: int = 1) -> list[dict[str, Any]]:
    def move(value: str) -> str:
        day = dt.date.fromisoformat(value)
        return day.replace(year=day.year + years).isoformat()

    return [{**s, "start": move(s["start"]), "end": move(s["end"])} for s in spans]


@pytest.fixture
def calendars_2027(db: None) -> None:
    """The operator's calendars of 2027/2028: the seeded 2026 dates a year later."""
    from catalog.seed import HOLIDAYS

    for spec in PERIOD_SCHEMES:
        scheme = PeriodScheme.objects.get(code=spec["code"])
        seeded: dict[str, list[dict[str, Any]]] = spec["calendars"][2026]
        periods = {kind: shifted(spans) for kind, spans in seeded.items()}
        catalog.period_calendar_set(
            scheme=scheme, start_year=2027, periods=periods, holidays=shifted(HOLIDAYS)
        )


def test_trimesters_for_grades_1_to_9_and_half_years_for_10_and_11(
    school1: Any, school2: Any
) -> None:
    adopt_scheme(school1, "trimesters")
    one, two = create_year("school1", 2026), create_year("school2", 2026)
    with schema_context("school1"):
        assert periods_of(one) == [
            ("trimester", 1, 1, 9, "2026-09-01", "2026-11-27"),
            ("trimester", 2, 1, 9, "2026-11-30", "2027-02-26"),
            ("trimester", 3, 1, 9, "2027-03-01", "2027-05-26"),
            ("half_year", 1, 10, 11, "2026-09-01", "2026-12-25"),
            ("half_year", 2, 10, 11, "2027-01-11", "2027-05-26"),
        ]
        assert [p.title for p in ReportingPeriod.objects.filter(year=one, grade_from=1)] == [
            "1-й триместр",
            "2-й триместр",
            "3-й триместр",
        ]
    with schema_context("school2"):  # the seeded default scheme: quarters, half-years
        assert [(k, n, f, t) for k, n, f, t, _, _ in periods_of(two)] == [
            ("quarter", 1, 1, 9),
            ("quarter", 2, 1, 9),
            ("quarter", 3, 1, 9),
            ("quarter", 4, 1, 9),
            ("half_year", 1, 10, 11),
            ("half_year", 2, 10, 11),
        ]


def test_periods_carry_the_calendars_holidays(school1: Any) -> None:
    year = create_year("school1", 2026)
    with schema_context("school1"):
        holidays = {
            b.title: (b.starts_on.isoformat(), b.ends_on.isoformat(), b.grade_from, b.grade_to)
            for b in ScheduleBreak.objects.filter(year=year)
        }
        assert all(b.from_calendar for b in ScheduleBreak.objects.filter(year=year))
        assert all(
            b.kind == ScheduleBreak.Kind.HOLIDAY for b in ScheduleBreak.objects.filter(year=year)
        )
    assert holidays == {
        "Осенние каникулы": ("2026-10-24", "2026-11-04", 1, 11),
        "Зимние каникулы": ("2026-12-26", "2027-01-10", 1, 11),
        FIRST_GRADE_HOLIDAY: ("2027-02-15", "2027-02-21", 1, 1),
        "Весенние каникулы": ("2027-03-20", "2027-03-28", 1, 11),
    }


def test_a_first_grade_holiday_stops_lessons_of_the_first_grade_only() -> None:
    holiday = ScheduleBreak(
        kind=ScheduleBreak.Kind.HOLIDAY,
        title=FIRST_GRADE_HOLIDAY,
        starts_on=dt.date(2027, 2, 15),
        ends_on=dt.date(2027, 2, 21),
        grade_from=1,
        grade_to=1,
    )
    day = dt.date(2027, 2, 16)
    assert holiday.applies_to(day=day, class_group_id=1, grade=1)
    assert not holiday.applies_to(day=day, class_group_id=2, grade=5)
    assert not holiday.applies_to(day=dt.date(2027, 2, 22), class_group_id=1, grade=1)


def test_the_year_records_the_regulation_version_in_force(school1: Any) -> None:
    from tests.catalog.adopt import adopt_rules

    first = create_year("school1", 2026)
    version = adopt_rules("school1", parent_printout_days=14)
    with schema_context("school1"):
        assert first.rules_version_id is not None
        assert first.rules_version_id != version.pk  # adopted before the new version
        assert current_rules().version_id == version.pk
    later = create_year("school1", 2030, periods=[])
    assert later.rules_version_id == version.pk


def test_a_year_that_starts_late_starts_its_first_period_with_it(school1: Any) -> None:
    year = create_year("school1", 2026, starts_on=dt.date(2026, 9, 2))
    with schema_context("school1"):
        first = ReportingPeriod.objects.filter(year=year).order_by("starts_on").first()
    assert first is not None and first.starts_on == dt.date(2026, 9, 2)


def test_explicit_periods_are_kept_as_given(school1: Any) -> None:
    spec = structure.PeriodSpec("quarter", 1, dt.date(2026, 9, 1), dt.date(2027, 5, 31))
    year = create_year("school1", 2026, periods=[spec])
    with schema_context("school1"):
        assert periods_of(year) == [("quarter", 1, 1, 11, "2026-09-01", "2027-05-31")]
        assert not ScheduleBreak.objects.filter(year=year).exists()


def test_a_year_without_a_calendar_takes_the_nearest_calendar_moved(school1: Any) -> None:
    """The operator has published 2026/2027 only: a school on trimesters creating 2031/2032
    still gets trimesters, with the dates moved five years on (the school checks them)."""
    adopt_scheme(school1, "trimesters")
    year = create_year("school1", 2031)
    with schema_context("school1"):
        assert periods_of(year)[:1] == [("trimester", 1, 1, 9, "2031-09-01", "2031-11-27")]
        assert {p.kind for p in ReportingPeriod.objects.filter(year=year)} == {
            "trimester",
            "half_year",
        }
        assert ScheduleBreak.objects.filter(year=year, from_calendar=True).count() == 4


def test_a_scheme_without_any_calendar_is_refused_in_russian(school1: Any) -> None:
    scheme = catalog.period_scheme_create(
        code="own-scheme",
        title="Полугодия во всех классах",
        bands=[{"grades_from": 1, "grades_to": 11, "kind": "half_year"}],
        by=None,
    )
    adopt_scheme(school1, scheme.code)
    with pytest.raises(ValidationError) as err:
        create_year("school1", 2031)
    (message,) = err.value.message_dict["periods"]
    assert "нет ни одного календаря" in message and "2031/2032" in message
    with schema_context("school1"):
        assert not AcademicYear.objects.filter(title="2031/2032").exists()


def test_changing_the_adoption_before_the_year_starts_changes_its_periods(
    school1: Any, school2: Any, calendars_2027: None
) -> None:
    started = create_year("school1", 2026)  # already under way (the test clock's today)
    coming = create_year("school1", 2027)
    other = create_year("school2", 2027)
    with schema_context("school1"):
        ScheduleBreak.objects.create(
            year=coming,
            kind=ScheduleBreak.Kind.QUARANTINE,
            title="Карантин",
            starts_on=dt.date(2027, 10, 1),
            ends_on=dt.date(2027, 10, 7),
        )
        assert {p.kind for p in ReportingPeriod.objects.filter(year=coming)} == {
            "quarter",
            "half_year",
        }
    adopt_scheme(school1, "trimesters")
    with schema_context("school1"):
        assert [(k, n, f, t) for k, n, f, t, _, _ in periods_of(coming)] == [
            ("trimester", 1, 1, 9),
            ("trimester", 2, 1, 9),
            ("trimester", 3, 1, 9),
            ("half_year", 1, 10, 11),
            ("half_year", 2, 10, 11),
        ]
        assert ScheduleBreak.objects.filter(year=coming, from_calendar=True).count() == 4
        assert ScheduleBreak.objects.filter(year=coming, title="Карантин").exists()  # kept
        assert {p.kind for p in ReportingPeriod.objects.filter(year=started)} == {
            "quarter",
            "half_year",
        }
    with schema_context("school2"):
        assert {p.kind for p in ReportingPeriod.objects.filter(year=other)} == {
            "quarter",
            "half_year",
        }


def test_rederiving_the_periods_of_a_started_year_is_refused(school1: Any) -> None:
    started = create_year("school1", 2026)
    with schema_context("school1"):
        director = make_user("director_x", roles.DIRECTOR)
        teacher = make_user("teacher_x", roles.TEACHER)
        with pytest.raises(ValidationError) as err:
            structure.academic_year_periods_rederive(year=started, by=director)
        assert "уже начался" in err.value.message_dict["year"][0]
        from core.errors import PermissionDeniedError

        with pytest.raises(PermissionDeniedError):
            structure.academic_year_periods_rederive(year=started, by=teacher)


def test_the_administration_rederives_a_coming_year(school1: Any, calendars_2027: None) -> None:
    coming = create_year("school1", 2027)
    with schema_context("school1"):
        ReportingPeriod.objects.filter(year=coming).delete()  # someone removed them
        director = make_user("director_y", roles.DIRECTOR)
        structure.academic_year_periods_rederive(year=coming, by=director)
        assert ReportingPeriod.objects.filter(year=coming).count() == 6
