"""REP-1 forms on attendance and class lists: the monthly class attendance, the summary
attendance sheet, class sizes (наполняемость) and the movement of pupils (движение)."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count
from django.http import Http404

from core.russian import month_title
from journal.access import Scope
from journal.register.models import Attendance, Lesson
from journal.reports import definitions as d
from journal.reports.layout import AxisItem, Result
from journal.reports.params import Params
from journal.reports.sources import class_pupils, latest, may_read_class, pupil_note
from journal.roster.models import ClassMembership
from journal.structure.models import ClassGroup, ReportingPeriod, Subgroup

CODE_KEYS = {"Б": "ill", "У": "excused", "Н": "unexcused", "О": "late"}


def _day_cell(codes: Counter[str]) -> str:
    """«2Б», «1Б 1Н», «О»: the day's missed lessons by code (late marks without a count)."""
    parts = [f"{codes[c]}{c}" for c in d.MISSED_CODES if codes[c]]
    if codes[d.LATE_CODE]:
        parts.append(d.LATE_CODE if codes[d.LATE_CODE] == 1 else f"{codes[d.LATE_CODE]}О")
    return " ".join(parts)


def class_attendance_monthly(params: Params, scope: Scope) -> Result:
    """Pupils × the class's school days of the month (days with a lesson of the class), the
    day's absences by code; the month's totals per code and the lessons missed (Б+У+Н)."""
    cls, month = params.class_group, params.month
    if cls is None or month is None:
        raise ValueError("class and month are required")
    if not may_read_class(scope, cls):
        raise Http404
    last = month.replace(day=_calendar.monthrange(month.year, month.month)[1])
    pupils = class_pupils(cls, month, last)
    days = list(
        Lesson.objects.filter(assignment__class_group=cls, date__gte=month, date__lte=last)
        .values_list("date", flat=True)
        .distinct()
        .order_by("date")
    )
    per_day: dict[int, dict[dt.date, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    moments = []
    for pid, day, code, at in Attendance.objects.filter(
        lesson__assignment__class_group=cls,
        lesson__date__gte=month,
        lesson__date__lte=last,
    ).values_list("pupil_id", "lesson__date", "code", "updated_at"):
        per_day[pid][day][code] += 1
        moments.append(at)
    rows = []
    day_totals: Counter[dt.date] = Counter()
    sums: Counter[str] = Counter()
    for p in pupils:
        codes = Counter[str]()
        for day, c in per_day.get(p.id, {}).items():
            codes.update(c)
            day_totals[day] += sum(c[x] for x in d.MISSED_CODES)
        row: dict[str, Any] = {
            "pupil": pupil_note(p, month, last),
            "day": {day: _day_cell(c) for day, c in per_day.get(p.id, {}).items()},
            **{key: codes[code] for code, key in CODE_KEYS.items()},
            "total": sum(codes[c] for c in d.MISSED_CODES),
        }
        sums.update({k: row[k] for k in (*CODE_KEYS.values(), "total")})
        rows.append(row)
    totals = {"pupil": "Итого", "day": {day: day_totals[day] or "" for day in days}, **sums}
    return Result(
        rows=rows,
        totals=[totals],
        axes={"day": [AxisItem(day, f"{day.day:02d}") for day in days]},
        caption=[f"Класс {cls.title}, {month_title(month)}"],
        pupil_ids=[p.id for p in pupils],
        data_at=latest(moments),
    )


def summary_attendance_sheet(params: Params, scope: Scope) -> Result:
    """Pupils × the grade's periods: lessons missed (Б, У, Н) and of them through illness,
    with the year's total; every pupil who was in the class during the year."""
    cls = params.class_group
    if cls is None:
        raise ValueError("class is required")
    if not may_read_class(scope, cls):
        raise Http404
    year = cls.year
    periods = list(
        ReportingPeriod.objects.filter(
            year_id=cls.year_id, grade_from__lte=cls.grade, grade_to__gte=cls.grade
        ).order_by("starts_on")
    )
    pupils = class_pupils(cls, year.starts_on, year.ends_on)
    rows: dict[int, dict[str, Any]] = {
        p.id: {
            "pupil": pupil_note(p, year.starts_on, year.ends_on),
            "missed": dict.fromkeys((x.pk for x in periods), 0),
            "missed_ill": dict.fromkeys((x.pk for x in periods), 0),
            "missed_year": 0,
        }
        for p in pupils
    }
    moments = []
    for pid, day, code, at in Attendance.objects.filter(
        lesson__assignment__class_group=cls,
        lesson__date__gte=year.starts_on,
        lesson__date__lte=year.ends_on,
        code__in=d.MISSED_CODES,
        pupil_id__in=list(rows),
    ).values_list("pupil_id", "lesson__date", "code", "updated_at"):
        row = rows[pid]
        row["missed_year"] += 1
        for x in periods:
            if x.starts_on <= day <= x.ends_on:
                row["missed"][x.pk] += 1
                row["missed_ill"][x.pk] += code == "Б"
        moments.append(at)
    return Result(
        rows=[rows[p.id] for p in pupils],
        axes={"period": [AxisItem(x.pk, x.title) for x in periods]},
        caption=[f"Класс {cls.title}, {year.title} учебный год"],
        pupil_ids=list(rows),
        data_at=latest(moments),
    )


def _school_classes(params: Params, scope: Scope) -> list[ClassGroup]:
    if not scope.whole_school:
        raise Http404
    year = params.year
    if year is None:
        raise Http404  # no school year at all
    qs = ClassGroup.objects.filter(year=year).select_related("class_teacher__user")
    period = params.period
    if period is not None:
        qs = qs.filter(grade__gte=period.grade_from, grade__lte=period.grade_to)
    return list(qs.order_by("grade", "letter"))


def class_sizes(params: Params, scope: Scope) -> Result:
    """Every class of the year: its class teacher, pupils on the date, subgroups."""
    classes = _school_classes(params, scope)
    day = params.date
    assert day is not None
    ids = [c.pk for c in classes]
    pupils = dict(
        ClassMembership.objects.on(day)
        .filter(class_group_id__in=ids)
        .values("class_group_id")
        .annotate(n=Count("pupil_id", distinct=True))
        .values_list("class_group_id", "n")
    )
    subgroups = dict(
        Subgroup.objects.filter(class_group_id__in=ids)
        .values("class_group_id")
        .annotate(n=Count("id"))
        .values_list("class_group_id", "n")
    )
    rows = [
        {
            "class_group": c.title,
            "class_teacher": c.class_teacher.user.full_name if c.class_teacher else "",
            "pupils": pupils.get(c.pk, 0),
            "subgroups": subgroups.get(c.pk, 0),
        }
        for c in classes
    ]
    totals = {
        "class_group": f"Итого: {len(rows)} кл.",
        "pupils": sum(r["pupils"] for r in rows),
        "subgroups": sum(r["subgroups"] for r in rows),
    }
    return Result(rows=rows, totals=[totals], caption=[f"На {day:%d.%m.%Y}"], data_at=None)


def pupil_movement(params: Params, scope: Scope) -> Result:
    """Per class of the period's grades: pupils on its first day, arrived after it, left
    before its last day, on its last day (at_end = at_start + arrived − left; a move
    between classes is a departure from one and an arrival in the other)."""
    period = params.period
    if period is None:
        raise ValueError("period is required")
    classes = _school_classes(params, scope)
    start, end = period.starts_on, period.ends_on
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for class_id, date_from, date_to in (
        ClassMembership.objects.overlapping(start, end)
        .filter(class_group_id__in=[c.pk for c in classes])
        .values_list("class_group_id", "date_from", "date_to")
    ):
        c = counts[class_id]
        c["at_start"] += date_from <= start
        c["arrived"] += date_from > start
        c["left"] += date_to is not None and date_to < end
        c["at_end"] += date_to is None or date_to >= end
    rows: list[dict[str, Any]] = [
        {
            "class_group": c.title,
            **{k: counts[c.pk][k] for k in ("at_start", "arrived", "left", "at_end")},
        }
        for c in classes
    ]
    totals = {
        "class_group": "Итого",
        **{k: sum(r[k] for r in rows) for k in ("at_start", "arrived", "left", "at_end")},
    }
    return Result(
        rows=rows,
        totals=[totals],
        caption=[f"{period.title}: {start:%d.%m.%Y} – {end:%d.%m.%Y}"],
    )
