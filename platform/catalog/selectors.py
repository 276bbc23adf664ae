"""Reads of the central catalog, and the journal's typed accessor `current_rules`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django_tenants.utils import get_public_schema_name

from catalog.rules import DEFAULT_RULES, Rules
from core.cache import platform_cache
from core.tenancy import db

RULES_CACHE_SECONDS = 60 * 60 * 24  # dropped on adoption; the TTL only bounds stale memory


def _rules_key(schema_name: str) -> str:
    return f"catalog-rules:v1:{schema_name}"


def _schema_of(school: Any | None) -> str:
    if school is None:
        school = db.tenant
    return str(school.schema_name)


def current_rules(school: Any | None = None) -> Rules:
    """The rules the school's adopted regulation version sets, with its local changes.

    `school` is a School (or anything with `schema_name`); None means the school whose
    schema the connection is on. A school that adopted nothing (and the public site) gets
    the built-in defaults. Cached per school in the shared cache under the public key
    space (the platform cache), so a warm call makes no query; adoption drops the entry
    after commit.
    """
    schema = _schema_of(school)
    if schema == get_public_schema_name():
        return DEFAULT_RULES
    key = _rules_key(schema)
    cache = platform_cache()
    cached = cache.get(key)
    if cached is None:
        cached = _load_rules_document(schema)  # public tables, reachable from any schema
        cache.set(key, cached, RULES_CACHE_SECONDS)
    if not cached:
        return DEFAULT_RULES
    from catalog.schema import rules_from_dict

    return rules_from_dict(cached["rules"], version_id=cached["version_id"])


def _load_rules_document(schema: str) -> dict[str, Any]:
    """Plain data (not a pickled dataclass) so a new `Rules` field never meets an old entry."""
    from catalog.models import SchoolAdoption
    from catalog.schema import merge_rules

    adoption = (
        SchoolAdoption.objects.select_related("regulation_version")
        .filter(school__schema_name=schema)
        .first()
    )
    if adoption is None:
        return {}
    version = adoption.regulation_version
    return {
        "version_id": version.pk,
        "rules": merge_rules(version.rules, adoption.overrides),
    }


def adopted_rule_max(rule: str) -> int | None:
    """The largest value of an integer rule among the active schools' adopted rules (the
    version's, or the school's local change of it), in one aggregate query without reading
    the documents into Python: what a municipal figure takes from all schools (the
    department's k). A version written before the rule existed counts with its default;
    None when no school has adopted anything."""
    from django.db.models import IntegerField, Value
    from django.db.models.fields.json import KeyTextTransform
    from django.db.models.functions import Cast, Coalesce

    from catalog.models import SchoolAdoption
    from catalog.schema import DEFAULT_RULES_DICT

    value = Coalesce(
        Cast(KeyTextTransform(rule, "overrides"), IntegerField()),
        Cast(KeyTextTransform(rule, "regulation_version__rules"), IntegerField()),
        Value(int(DEFAULT_RULES_DICT[rule])),
    )
    found = SchoolAdoption.objects.filter(school__status="active").aggregate(top=Max(value))
    return None if found["top"] is None else int(found["top"])


def rules_cache_invalidate(*, schema_names: list[str]) -> None:
    """Forget the cached rules of these schools (called after the adoption commits)."""
    platform_cache().delete_many([_rules_key(s) for s in schema_names])


# --- reporting periods for the journal ----------------------------------------------------


@dataclass(frozen=True)
class ReportingPeriod:
    kind: str  # quarter / trimester / half_year / year
    number: int  # 1-based within the year
    title: str  # Russian: "2 четверть"
    start: dt.date
    end: dt.date


def _adopted_calendar(
    schema: str, start_year: int, *, nearest: bool = False
) -> tuple[Any, Any] | None:
    """(scheme, calendar of `start_year`) of the school's adopted period scheme, or None.

    With `nearest`, a year the operator has no calendar for yet gets the scheme's latest
    earlier calendar (or else its earliest) moved to that year: the adopted kinds with
    typical dates the school then checks (SET-1)."""
    from catalog.models import PeriodCalendar, SchoolAdoption

    adoption = (
        SchoolAdoption.objects.select_related("period_scheme")
        .filter(school__schema_name=schema)
        .first()
    )
    if adoption is None or adoption.period_scheme is None:
        return None
    calendars = PeriodCalendar.objects.filter(scheme_id=adoption.period_scheme_id)
    calendar = calendars.filter(start_year=start_year).first()
    if calendar is None and nearest:
        source = (
            calendars.filter(start_year__lt=start_year).order_by("-start_year").first()
            or calendars.order_by("start_year").first()
        )
        if source is not None:
            calendar = _moved(source, start_year)
    if calendar is None:
        return None
    return adoption.period_scheme, calendar


def _moved(calendar: Any, start_year: int) -> Any:
    """An unsaved copy of `calendar` with every date moved to academic year `start_year`."""
    from catalog.models import PeriodCalendar

    shift = start_year - calendar.start_year

    def move(value: str) -> str:
        day = dt.date.fromisoformat(value)
        try:
            return day.replace(year=day.year + shift).isoformat()
        except ValueError:  # 29 February
            return day.replace(year=day.year + shift, day=28).isoformat()

    def spans(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**s, "start": move(s["start"]), "end": move(s["end"])} for s in items]

    return PeriodCalendar(
        scheme_id=calendar.scheme_id,
        start_year=start_year,
        periods={kind: spans(items) for kind, items in calendar.periods.items()},
        holidays=spans(calendar.holidays),
    )


def _spans(calendar: Any, kind: str) -> list[ReportingPeriod]:
    from catalog.schema import period_title

    return [
        ReportingPeriod(
            kind=kind,
            number=index,
            title=span.get("title") or period_title(kind, index),
            start=dt.date.fromisoformat(span["start"]),
            end=dt.date.fromisoformat(span["end"]),
        )
        for index, span in enumerate(calendar.periods.get(kind, []), start=1)
    ]


def school_reporting_periods(
    school: Any | None = None, *, start_year: int, grade: int
) -> list[ReportingPeriod]:
    """The reporting periods of `grade` in academic year `start_year`/`start_year+1`.

    From the school's adopted period scheme and the operator's calendar for that year;
    empty when either is missing (the school sets up its own periods then).
    """
    found = _adopted_calendar(_schema_of(school), start_year)
    if found is None:
        return []
    scheme, calendar = found
    kind = next(
        (b["kind"] for b in scheme.bands if b["grades_from"] <= grade <= b["grades_to"]), None
    )
    return [] if kind is None else _spans(calendar, kind)


def calendar_periods(
    school: Any | None = None, *, start_year: int, kind: str
) -> list[ReportingPeriod]:
    """The operator's dates of every period of `kind` in the adopted scheme's calendar of
    that year (e.g. the half-years, for a paper copy made per half-year); empty when the
    calendar has no such periods."""
    found = _adopted_calendar(_schema_of(school), start_year)
    return [] if found is None else _spans(found[1], kind)


@dataclass(frozen=True)
class Holiday:
    title: str
    start: dt.date
    end: dt.date
    grades_from: int = 1
    grades_to: int = 11


@dataclass(frozen=True)
class PeriodBand:
    grades_from: int
    grades_to: int
    kind: str
    periods: list[ReportingPeriod]


@dataclass(frozen=True)
class PeriodPlan:
    """What the adopted scheme gives a school for one year (TPL-2): periods per grade band
    and the calendar's holidays."""

    scheme_code: str
    bands: list[PeriodBand]
    holidays: list[Holiday]
    # The operator has no calendar of this year yet: the dates are moved from this one.
    moved_from_year: int | None = None


def school_period_plan(school: Any | None = None, *, start_year: int) -> PeriodPlan | None:
    """The adopted scheme's periods per band and the holidays of `start_year`; None when the
    school adopted no scheme or the scheme has no calendar at all. A year the operator has
    no calendar for yet gets the nearest one's dates moved to it (`moved_from_year`)."""
    from catalog.models import PeriodCalendar

    found = _adopted_calendar(_schema_of(school), start_year, nearest=True)
    if found is None:
        return None
    scheme, calendar = found
    moved_from = None
    if calendar.pk is None:  # a moved copy
        moved_from = (
            PeriodCalendar.objects.filter(scheme_id=calendar.scheme_id)
            .exclude(start_year=start_year)
            .values_list("start_year", flat=True)
            .order_by("-start_year")
            .first()
        )
    bands = [
        PeriodBand(b["grades_from"], b["grades_to"], b["kind"], _spans(calendar, b["kind"]))
        for b in sorted(scheme.bands, key=lambda b: b["grades_from"])
    ]
    holidays = [
        Holiday(
            title=h["title"],
            start=dt.date.fromisoformat(h["start"]),
            end=dt.date.fromisoformat(h["end"]),
            grades_from=int(h.get("grades_from", 1)),
            grades_to=int(h.get("grades_to", 11)),
        )
        for h in calendar.holidays
    ]
    return PeriodPlan(
        scheme_code=scheme.code, bands=bands, holidays=holidays, moved_from_year=moved_from
    )


# --- the operator's reads -----------------------------------------------------------------


def regulation_template_list() -> QuerySet[Any]:
    from catalog.models import RegulationTemplate

    return RegulationTemplate.objects.prefetch_related("versions").order_by("code")


def regulation_version_list(*, template: Any) -> QuerySet[Any]:
    return template.versions.order_by("number")


def period_scheme_list() -> QuerySet[Any]:
    from catalog.models import PeriodScheme

    return PeriodScheme.objects.prefetch_related("calendars").order_by("code")


def report_form_list(*, latest_only: bool = True) -> QuerySet[Any]:
    from catalog.models import ReportForm

    qs = ReportForm.objects.order_by("code", "version")
    if latest_only:
        latest = (
            ReportForm.objects.filter(code=OuterRef("code"))
            .values("code")
            .annotate(v=Max("version"))
            .values("v")
        )
        qs = qs.filter(version=Subquery(latest))
    return qs


def school_adoption_list() -> QuerySet[Any]:
    """Every school with what it adopted and the newest published version of that template."""
    from catalog.models import RegulationVersion
    from tenants.selectors import school_list

    latest = (
        RegulationVersion.objects.filter(
            template_id=OuterRef("adoption__regulation_version__template_id"),
            status=RegulationVersion.Status.PUBLISHED,
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    return (
        school_list()
        .select_related(
            "adoption__regulation_version__template",
            "adoption__period_scheme",
            "adoption__adopted_by",
        )
        .annotate(latest_version_id=Subquery(latest))
    )


def adoption_history(*, school: Any | None = None) -> QuerySet[Any]:
    from catalog.models import AdoptionRecord

    qs = AdoptionRecord.objects.select_related(
        "school", "regulation_version__template", "previous_version", "period_scheme", "by"
    )
    if school is not None:
        qs = qs.filter(school=school)
    return qs.order_by("-at", "-id")


def adopted_regulation(school: Any | None = None) -> Any | None:
    """The school's adoption with its version (TPL-4: the text shown to its users)."""
    from catalog.models import SchoolAdoption

    return (
        SchoolAdoption.objects.select_related("regulation_version__template", "period_scheme")
        .filter(school__schema_name=_schema_of(school))
        .first()
    )
