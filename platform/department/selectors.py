"""Reads of the department's statistics (STAT-1): tables, overview and chart series built
from the rollups, with small-cell suppression applied before anything leaves this module.

Rates come from `journal.reports.definitions` (the one place they are defined) applied
to the summed counts, so a grade with one class shows exactly its class results' figures.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Max, Min

from core.replica import replica_reads
from department.models import MonthRollup, PeriodRollup, RollupRun
from department.school_side import RULES_VERSION
from journal.reports import definitions as d
from tenants.models import School

GROUPS = ("school", "grade", "subject")
TALLY = ("pupils", "n5", "n4", "n3", "n2", "not_attested", "exempt", "passed", "not_passed")
PERIOD_FIELDS = (*TALLY, "missing")  # the lattice's counts of period marks
MONTH = (
    "pupils", "pupil_lessons", "ill", "excused", "unexcused", "late", "lessons",
    "lessons_with_topic", "lessons_with_homework", "lessons_with_marks", "pupils_signed_in",
    "parents", "parents_signed_in",
)  # fmt: skip
SUPPRESSED = "скрыто"


def small_cell_k() -> int:
    """k of the small-cell rule (TPL-1, SEC-4): the largest `small_cell_k` of the rules the
    active schools adopted -- a municipal table mixes every school's pupils, so the
    strictest school's threshold protects all of them; with no adoption, the built-in
    default (5). The setting `DEPARTMENT_SMALL_CELL_K` is a floor (default 2). One query.
    (`Rules.small_cell_k` is the typed rule; the aggregate reads the same key.)"""
    from catalog.rules import DEFAULT_RULES
    from catalog.selectors import adopted_rule_max

    adopted = adopted_rule_max("small_cell_k")
    k = DEFAULT_RULES.small_cell_k if adopted is None else adopted
    return max(k, int(getattr(settings, "DEPARTMENT_SMALL_CELL_K", 2)), 2)


@dataclass
class Row:
    """One line of a table: its labels, its summed counts, and whether it is hidden."""

    labels: dict[str, Any]
    counts: dict[str, int]
    computed_at: dt.datetime | None = None
    suppressed: bool = False
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return self.counts.get("pupils", 0)


ALL = "*"  # a lattice coordinate summed over


def lattice(
    base: dict[tuple[Any, ...], dict[str, int]], fields: tuple[str, ...]
) -> dict[tuple[Any, ...], dict[str, int]]:
    """Every margin of the base cells: each base key with any of its coordinates replaced
    by ALL, the counts summed (the cells of every table that can be asked for)."""
    cells: dict[tuple[Any, ...], dict[str, int]] = {}
    for key, counts in base.items():
        for mask in itertools.product((True, False), repeat=len(key)):
            margin = tuple(v if keep else ALL for v, keep in zip(key, mask, strict=True))
            cell = cells.setdefault(margin, dict.fromkeys(fields, 0))
            for f in fields:
                cell[f] += counts[f]
    return cells


def suppress(cells: dict[tuple[Any, ...], dict[str, int]], k: int) -> set[tuple[Any, ...]]:
    """Small-cell suppression with complementary suppression (docs/department.md).

    Primary: every cell (of every margin) describing fewer than k pupils is hidden.
    Complementary, to a fixed point: wherever a shown cell is the sum of cells along one
    coordinate and, of those, exactly one is hidden or the hidden ones together describe
    fewer than k pupils, the smallest shown one is hidden too (or, with none left, the sum
    itself). So no shown total minus shown cells -- in one table or across tables of any
    grouping and filter, which all read this one pattern -- gives a small group's figures.
    """
    hidden = {key for key, c in cells.items() if c.get("pupils", 0) < k}
    relations: dict[tuple[tuple[Any, ...], int], list[tuple[Any, ...]]] = defaultdict(list)
    for key in cells:
        for i, value in enumerate(key):
            if value != ALL:
                relations[((*key[:i], ALL, *key[i + 1 :]), i)].append(key)
    for children in relations.values():
        children.sort(key=lambda c: (cells[c].get("pupils", 0), str(c)))
    changed = True
    while changed:
        changed = False
        for (parent, _i), children in relations.items():
            if parent in hidden:
                continue
            down = [c for c in children if c in hidden]
            if not down or (len(down) > 1 and sum(cells[c]["pupils"] for c in down) >= k):
                continue
            shown = [c for c in children if c not in hidden]
            hidden.add(shown[0] if shown else parent)
            changed = True
    return hidden


def _period_figures(counts: dict[str, int]) -> dict[str, Any]:
    t = d.Tally(**{f: counts.get(f, 0) for f in TALLY})
    return {
        "pupils": t.pupils,
        "n5": t.n5,
        "n4": t.n4,
        "n3": t.n3,
        "n2": t.n2,
        "not_attested": t.not_attested,
        "missing": counts.get("missing", 0),
        "success_rate": t.success_rate,
        "quality_rate": t.quality_rate,
        "average_mark": t.average_mark,
    }


def _month_figures(counts: dict[str, int]) -> dict[str, Any]:
    missed = sum(counts.get(c, 0) for c in ("ill", "excused", "unexcused"))
    lessons = counts.get("lessons", 0)
    pupils = counts.get("pupils", 0)
    return {
        "pupils": pupils,
        "attendance_rate": d.percent(
            counts.get("pupil_lessons", 0) - missed, counts.get("pupil_lessons", 0)
        ),
        "ill": counts.get("ill", 0),
        "excused": counts.get("excused", 0),
        "unexcused": counts.get("unexcused", 0),
        "late": counts.get("late", 0),
        "lessons": lessons,
        "topic_rate": d.percent(counts.get("lessons_with_topic", 0), lessons),
        "homework_rate": d.percent(counts.get("lessons_with_homework", 0), lessons),
        "marks_rate": d.percent(counts.get("lessons_with_marks", 0), lessons),
        "pupils_participation": d.percent(counts.get("pupils_signed_in", 0), pupils),
        "parents_participation": d.percent(
            counts.get("parents_signed_in", 0), counts.get("parents", 0)
        ),
    }


PERIOD_COLUMNS = [
    ("pupils", "Обучающихся (по предметам)"),
    ("success_rate", "Успеваемость, %"),
    ("quality_rate", "Качество, %"),
    ("average_mark", "Средний балл"),
    ("n5", "«5»"),
    ("n4", "«4»"),
    ("n3", "«3»"),
    ("n2", "«2»"),
    ("not_attested", "Не аттестованы"),
]
MONTH_COLUMNS = [
    ("pupils", "Обучающихся"),
    ("attendance_rate", "Посещаемость, %"),
    ("ill", "Б"),
    ("excused", "У"),
    ("unexcused", "Н"),
    ("late", "О"),
    ("lessons", "Уроков"),
    ("topic_rate", "С темой, %"),
    ("homework_rate", "С д/з, %"),
    ("marks_rate", "С отметками, %"),
    ("pupils_participation", "Входили обучающиеся, %"),
    ("parents_participation", "Входили родители, %"),
]
LABELS = {"school": "Школа", "grade": "Параллель", "subject": "Предмет"}


@dataclass(frozen=True)
class Period:
    key: str
    title: str
    starts_on: dt.date
    ends_on: dt.date

    @property
    def label(self) -> str:
        year = self.key.split(":")[0]
        return f"{self.title} {year}"


# The department's statistics read on the read replica, if any (core/replica.py).
@replica_reads()
def period_list() -> list[Period]:
    """The reporting periods the rollups know, oldest first (one per key)."""
    rows = (
        PeriodRollup.objects.filter(rules_version=RULES_VERSION)
        .values("period_key", "period_title")
        .annotate(starts_on=Min("period_starts_on"), ends_on=Max("period_ends_on"))
    )
    periods = [
        Period(r["period_key"], r["period_title"], r["starts_on"], r["ends_on"]) for r in rows
    ]
    return sorted(periods, key=lambda p: (p.starts_on, p.ends_on, p.key))


def previous_period(period: Period, periods: Iterable[Period]) -> Period | None:
    """The latest period of the same kind that ended before this one began."""
    kind = period.key.split(":")[1]
    before = [p for p in periods if p.ends_on < period.starts_on and p.key.split(":")[1] == kind]
    return before[-1] if before else None


@dataclass(frozen=True)
class Filters:
    period: Period | None = None
    school_id: int | None = None
    grade: int | None = None
    subject: str | None = None
    group: tuple[str, ...] = ("school",)
    sort: str = ""
    kind: str = "marks"  # "marks" (period marks) or "months" (attendance, journal keeping)


@dataclass
class Table:
    kind: str
    group: tuple[str, ...]
    columns: list[tuple[str, str]]
    rows: list[Row]
    total: Row | None
    k: int


def school_names() -> dict[int, str]:
    return {
        pk: name or full
        for pk, name, full in School.objects.values_list("pk", "short_name", "name")
    }


def _month_range(period: Period | None) -> tuple[dt.date, dt.date] | None:
    if period is None:
        return None
    return period.starts_on.replace(day=1), period.ends_on


def _months_to_period(source: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A period's months summed per school × grade; a pupil is on the lists of every
    month, so the period's pupils (parents, those who signed in) are its months' most."""
    per: dict[tuple[int, int], dict[str, Any]] = {}
    for item in source:
        key = (item["school_id"], item["grade"])
        acc = per.setdefault(key, {**item, **dict.fromkeys(MONTH, 0)})
        for f in MONTH:
            if f in ("pupils", "parents", "pupils_signed_in", "parents_signed_in"):
                acc[f] = max(acc[f], item[f])
            else:
                acc[f] += item[f]
        acc["computed_at"] = min(acc["computed_at"], item["computed_at"])
    return list(per.values())


@dataclass
class Cells:
    """One period's lattice of margins, its hidden cells and each cell's oldest figure."""

    dims: tuple[str, ...]
    fields: tuple[str, ...]
    cells: dict[tuple[Any, ...], dict[str, int]]
    hidden: set[tuple[Any, ...]]
    stamps: dict[tuple[Any, ...], dt.datetime]


def period_cells(*, period: Period | None, kind: str, k: int | None = None) -> Cells:
    """The suppression pattern of a period: computed on every margin of the whole
    municipality's base cells, whatever table is asked for, so that filters and groupings
    never combine into a difference that tells a hidden cell.

    Cached (the shared cache) under a stamp of the rows it is made of -- their number, the
    newest `computed_at` and the pupils' sum, one query -- and k: a refresh of any school
    makes a new stamp, so a cached pattern is never older than the rows."""
    from django.core.cache import cache
    from django.db.models import Count, Sum

    span = _month_range(period)
    if kind == "months":
        months = MonthRollup.objects.filter(rules_version=RULES_VERSION)
        if span:
            months = months.filter(month__gte=span[0], month__lte=span[1])
        rows: Any = months
    else:
        marks = PeriodRollup.objects.filter(rules_version=RULES_VERSION)
        rows = marks.filter(period_key=period.key) if period else marks
    k = small_cell_k() if k is None else k
    stamp = rows.aggregate(n=Count("id"), at=Max("computed_at"), pupils=Sum("pupils"))
    key = "department:cells:v2:{}:{}:{}:{}:{}:{}".format(
        kind,
        period.key if period else "-",
        stamp["n"],
        stamp["at"].isoformat() if stamp["at"] else "-",
        stamp["pupils"] or 0,
        k,
    )
    cached = cache.get(key)
    if isinstance(cached, Cells):
        return cached
    made = _period_cells(period=period, kind=kind, k=k)
    cache.set(key, made, 24 * 60 * 60)
    return made


def _period_cells(*, period: Period | None, kind: str, k: int) -> Cells:
    if kind == "months":
        dims: tuple[str, ...] = ("school", "grade")
        fields: tuple[str, ...] = MONTH
        months = MonthRollup.objects.filter(rules_version=RULES_VERSION)
        span = _month_range(period)
        if span:
            months = months.filter(month__gte=span[0], month__lte=span[1])
        source = _months_to_period(list(months.values("school_id", "grade", "computed_at", *MONTH)))
    else:
        dims, fields = ("school", "grade", "subject"), PERIOD_FIELDS
        marks = PeriodRollup.objects.filter(rules_version=RULES_VERSION)
        if period:
            marks = marks.filter(period_key=period.key)
        source = list(marks.values("school_id", "grade", "subject", "computed_at", *fields))
    base: dict[tuple[Any, ...], dict[str, int]] = {}
    oldest: dict[tuple[Any, ...], dt.datetime] = {}
    for item in source:
        key = tuple(item["school_id"] if d_ == "school" else item[d_] for d_ in dims)
        cell = base.setdefault(key, dict.fromkeys(fields, 0))
        for f in fields:
            cell[f] += item[f]
        oldest[key] = min(oldest.get(key, item["computed_at"]), item["computed_at"])
    cells = lattice(base, fields)
    stamps: dict[tuple[Any, ...], dt.datetime] = {}
    for key, at in oldest.items():
        for mask in itertools.product((True, False), repeat=len(key)):
            margin = tuple(v if keep else ALL for v, keep in zip(key, mask, strict=True))
            stamps[margin] = min(stamps.get(margin, at), at)
    return Cells(dims, fields, cells, suppress(cells, k), stamps)


@replica_reads()
def department_table(*, filters: Filters) -> Table:
    """The table on the screen (and in its exports): rows by the chosen grouping, filtered,
    sorted, with a total line; suppressed rows carry no counts or figures at all."""
    k = small_cell_k()
    lat = period_cells(period=filters.period, kind=filters.kind, k=k)
    names = school_names()
    group = tuple(g for g in lat.dims if g in filters.group) or ("school",)
    fixed = {"school": filters.school_id, "grade": filters.grade, "subject": filters.subject}
    fixed = {d_: v for d_, v in fixed.items() if v is not None and d_ in lat.dims}
    compute = _month_figures if filters.kind == "months" else _period_figures
    columns = MONTH_COLUMNS if filters.kind == "months" else PERIOD_COLUMNS

    def row_of(key: tuple[Any, ...]) -> Row:
        labels = {
            d_: names.get(v, "") if d_ == "school" else v
            for d_, v in zip(lat.dims, key, strict=True)
            if d_ in group
        }
        hidden = key in lat.hidden
        counts = {} if hidden else dict(lat.cells[key])
        return Row(
            labels=labels,
            counts=counts,
            computed_at=lat.stamps.get(key),
            suppressed=hidden,
            figures={} if hidden else compute(counts),
        )

    def wanted(key: tuple[Any, ...]) -> bool:
        for d_, v in zip(lat.dims, key, strict=True):
            if d_ in fixed and v != fixed[d_]:
                return False
            if d_ in group and d_ not in fixed and v == ALL:
                return False
            if d_ not in group and d_ not in fixed and v != ALL:
                return False
            if d_ in group and d_ in fixed and v == ALL:
                return False
        return True

    rows = [row_of(key) for key in lat.cells if wanted(key)]
    total_key = tuple(fixed.get(d_, ALL) for d_ in lat.dims)
    total = row_of(total_key) if total_key in lat.cells else None
    rows.sort(
        key=lambda r: tuple(
            f"{r.labels[g]:03d}" if g == "grade" else str(r.labels[g]) for g in group
        )
    )
    if filters.sort:
        name, reverse = filters.sort.lstrip("-"), filters.sort.startswith("-")
        if name in dict(columns):
            shown = [r for r in rows if not r.suppressed and r.figures.get(name) is not None]
            rest = [r for r in rows if r not in shown]
            shown.sort(key=lambda r: r.figures[name], reverse=reverse)
            rows = shown + rest
    return Table(filters.kind, group, columns, rows, total, k)


@dataclass(frozen=True)
class Figure:
    title: str
    value: Any
    previous: Any
    computed_at: dt.datetime | None
    unit: str = "%"

    @property
    def change(self) -> Decimal | None:
        if isinstance(self.value, Decimal) and isinstance(self.previous, Decimal):
            return self.value - self.previous
        return None


@replica_reads()
def department_overview(*, period: Period | None) -> dict[str, Any]:
    """The municipality at a glance for a period, each figure against the previous one."""
    periods = period_list()
    period = period or (periods[-1] if periods else None)
    if period is None:
        return {"period": None, "periods": [], "figures": []}
    before = previous_period(period, periods)

    def totals(p: Period | None) -> tuple[Row | None, Row | None]:
        if p is None:
            return None, None
        marks = department_table(filters=Filters(period=p, group=("school",)))
        months = department_table(filters=Filters(period=p, group=("school",), kind="months"))
        return marks.total, months.total

    now_marks, now_months = totals(period)
    old_marks, old_months = totals(before)

    def value(row: Row | None, name: str) -> Any:
        return None if row is None or row.suppressed else row.figures.get(name)

    schools = PeriodRollup.objects.filter(period_key=period.key, rules_version=RULES_VERSION)
    figures = [
        Figure(
            "Школ",
            schools.values("school_id").distinct().count(),
            None,
            now_marks.computed_at if now_marks else None,
            "",
        ),
        Figure(
            "Обучающихся",
            value(now_months, "pupils"),
            value(old_months, "pupils"),
            now_months.computed_at if now_months else None,
            "",
        ),
        Figure(
            "Успеваемость",
            value(now_marks, "success_rate"),
            value(old_marks, "success_rate"),
            now_marks.computed_at if now_marks else None,
        ),
        Figure(
            "Качество знаний",
            value(now_marks, "quality_rate"),
            value(old_marks, "quality_rate"),
            now_marks.computed_at if now_marks else None,
        ),
        Figure(
            "Средний балл",
            value(now_marks, "average_mark"),
            value(old_marks, "average_mark"),
            now_marks.computed_at if now_marks else None,
            "",
        ),
        Figure(
            "Посещаемость",
            value(now_months, "attendance_rate"),
            value(old_months, "attendance_rate"),
            now_months.computed_at if now_months else None,
        ),
        Figure(
            "Уроки с темой (заполнение журнала)",
            value(now_months, "topic_rate"),
            value(old_months, "topic_rate"),
            now_months.computed_at if now_months else None,
        ),
    ]
    return {"period": period, "previous": before, "periods": periods, "figures": figures}


@replica_reads()
def chart_data(*, chart: str, filters: Filters) -> dict[str, Any]:
    """Series for the charts; suppressed points are null (never a number)."""
    if chart == "trend":
        labels, success, quality = [], [], []
        for p in period_list():
            total = department_table(
                filters=Filters(
                    period=p,
                    school_id=filters.school_id,
                    grade=filters.grade,
                    subject=filters.subject,
                )
            ).total
            labels.append(p.label)
            success.append(
                None if total is None or total.suppressed else total.figures["success_rate"]
            )
            quality.append(
                None if total is None or total.suppressed else total.figures["quality_rate"]
            )
        return {
            "labels": labels,
            "datasets": [
                {"label": "Успеваемость, %", "data": success},
                {"label": "Качество, %", "data": quality},
            ],
        }
    table = department_table(
        filters=Filters(
            period=filters.period, grade=filters.grade, subject=filters.subject, group=("school",)
        )
    )
    if chart == "schools":
        shown = sorted(
            (r for r in table.rows if not r.suppressed and r.figures["success_rate"] is not None),
            key=lambda r: r.figures["success_rate"],
            reverse=True,
        )
        return {
            "labels": [r.labels["school"] for r in shown],
            "datasets": [
                {"label": "Успеваемость, %", "data": [r.figures["success_rate"] for r in shown]},
            ],
        }
    if chart == "distribution":
        total = table.total
        counts = (
            [None] * 4
            if total is None or total.suppressed
            else [total.figures[n] for n in ("n5", "n4", "n3", "n2")]
        )
        return {
            "labels": ["«5»", "«4»", "«3»", "«2»"],
            "datasets": [{"label": "Отметок за период", "data": counts}],
        }
    raise ValueError(chart)


@dataclass(frozen=True)
class Freshness:
    school: str
    schema: str
    school_id: int
    status: str
    finished_at: dt.datetime | None
    requested_at: dt.datetime | None
    error: str


@replica_reads()
def rollup_freshness() -> list[Freshness]:
    """Per school: when its rollup last finished, and whether the last one failed."""
    runs = {r.school_id: r for r in RollupRun.objects.all()}
    found = []
    for school in School.objects.exclude(schema_name="public").order_by("slug"):
        run = runs.get(school.pk)
        found.append(
            Freshness(
                school.short_name or school.name,
                school.schema_name,
                school.pk,
                run.get_status_display() if run else "не считались",
                run.finished_at if run else None,
                run.requested_at if run else None,
                run.error if run else "",
            )
        )
    return found


def filter_schools() -> Any:
    """The schools the filters offer (names only: no school data)."""
    from tenants.models import School

    return School.objects.exclude(schema_name="public").order_by("short_name")


def filter_subjects() -> Any:
    """The subjects the rollups know, for the filters."""
    return PeriodRollup.objects.order_by("subject").values_list("subject", flat=True).distinct()
