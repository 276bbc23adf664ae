"""REP-1 forms built on period marks: the class results for a period (итоги успеваемости),
the summary progress sheet (сводная ведомость учёта успеваемости) and the final data per
pupil. Rates and rounding: `journal.reports.definitions` (the one place they are defined).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q

from journal.access import Scope
from journal.register.models import Attendance, PeriodMark
from journal.reports import definitions as d
from journal.reports.layout import AxisItem, Result
from journal.reports.params import Params
from journal.reports.sources import (
    class_pupils,
    class_subjects,
    latest,
    on_day,
    pupil_note,
    subgroup_members,
)
from journal.structure.models import ReportingPeriod


def _required(params: Params, *names: str) -> None:
    for name in names:
        if getattr(params, name) is None:
            raise ValueError(f"parameter {name} is required")  # the form marks it required


def class_period_results(params: Params, scope: Scope) -> Result:
    """One row per subject with the counts of «5»…«2», not attested and the rates; under it
    the class's pupil-based figures (on «5», with one «3», with «2», not attested)."""
    _required(params, "class_group", "period")
    cls, period = params.class_group, params.period
    assert cls is not None and period is not None
    subjects = class_subjects(cls, scope)
    pupils = on_day(class_pupils(cls, period.starts_on, period.ends_on), period.ends_on)
    groups = subgroup_members(cls)
    given: dict[tuple[int, int], str] = {}
    moments = []
    assignment_subject = {a: s.subject_id for s in subjects for a in s.assignment_ids}
    for pid, assignment_id, value, at in PeriodMark.objects.filter(
        assignment_id__in=list(assignment_subject), kind=PeriodMark.Kind.PERIOD, period=period
    ).values_list("pupil_id", "assignment_id", "value", "entered_at"):
        given[(pid, assignment_subject[assignment_id])] = value
        moments.append(at)
    ids = [p.id for p in pupils]
    rows = []
    per_pupil: dict[int, list[str | None]] = defaultdict(list)
    for s in subjects:
        members = s.pupils(ids, groups)
        values: list[str | None] = [given.get((pid, s.subject_id)) for pid in members]
        for pid, given_value in zip(members, values, strict=True):
            per_pupil[pid].append(given_value)
        t = d.tally(values)
        rows.append(
            {
                "subject": s.title,
                "teacher": ", ".join(s.teachers),
                "pupils": t.pupils,
                "n5": t.n5,
                "n4": t.n4,
                "n3": t.n3,
                "n2": t.n2,
                "not_attested": t.not_attested,
                "exempt": t.exempt,
                "success_rate": t.success_rate,
                "quality_rate": t.quality_rate,
                "learning_degree": t.learning_degree,
                "average_mark": t.average_mark,
            }
        )
    standing = d.class_standing(d.PupilStanding(tuple(per_pupil.get(pid, []))) for pid in ids)
    summary: list[tuple[str, Any, str]] = [
        ("Обучающихся на конец периода", len(ids), "integer"),
        ("Аттестовано по всем предметам без «2»", standing.successful, "integer"),
        ("Успеваемость класса, %", standing.success_rate, "percent"),
        ("Качество знаний класса, %", standing.quality_rate, "percent"),
        ("Средний балл класса", standing.average_mark, "decimal"),
        ("Учатся на «5»", standing.on_five, "integer"),
        ("Учатся на «4» и «5» (с отличниками)", standing.on_four_five, "integer"),
        ("С одной «3»", standing.one_three, "integer"),
        ("С «2»", standing.with_two, "integer"),
        ("Не аттестованы", standing.not_attested, "integer"),
    ]
    teacher = cls.class_teacher.user.full_name if cls.class_teacher else "не назначен"
    return Result(
        rows=rows,
        summary=summary,
        caption=[
            f"Класс {cls.title}, {period.title}: "
            f"{period.starts_on:%d.%m.%Y} – {period.ends_on:%d.%m.%Y}",
            f"Классный руководитель: {teacher}",
        ],
        pupil_ids=ids,
        data_at=latest(moments),
    )


def _grade_periods(params: Params) -> list[ReportingPeriod]:
    cls = params.class_group
    assert cls is not None
    return list(
        ReportingPeriod.objects.filter(
            year_id=cls.year_id, grade_from__lte=cls.grade, grade_to__gte=cls.grade
        ).order_by("starts_on")
    )


def summary_progress_sheet(params: Params, scope: Scope) -> Result:
    """Pupils × subjects: the marks of every period, the year, exam and final marks; every
    pupil who was in the class during the year (arrivals and departures noted)."""
    _required(params, "class_group")
    cls = params.class_group
    assert cls is not None
    year = cls.year
    subjects = class_subjects(cls, scope)
    periods = _grade_periods(params)
    pupils = class_pupils(cls, year.starts_on, year.ends_on)
    assignment_subject = {a: s.subject_id for s in subjects for a in s.assignment_ids}
    rows: dict[int, dict[str, Any]] = {
        p.id: {
            "pupil": pupil_note(p, year.starts_on, year.ends_on),
            "period_mark": {},
            "year_mark": {},
            "exam_mark": {},
            "final_mark": {},
        }
        for p in pupils
    }
    moments = []
    for pid, assignment_id, kind, period_id, value, at in PeriodMark.objects.filter(
        assignment_id__in=list(assignment_subject), pupil_id__in=list(rows)
    ).values_list("pupil_id", "assignment_id", "kind", "period_id", "value", "entered_at"):
        subject = assignment_subject[assignment_id]
        if kind == PeriodMark.Kind.PERIOD:
            rows[pid]["period_mark"][(subject, period_id)] = value
        else:
            rows[pid][f"{kind}_mark"][subject] = value
        moments.append(at)
    return Result(
        rows=[rows[p.id] for p in pupils],
        axes={
            "subject": [AxisItem(s.subject_id, s.short_title) for s in subjects],
            "period": [AxisItem(p.pk, p.title) for p in periods],
        },
        caption=[f"Класс {cls.title}, {year.title} учебный год"],
        pupil_ids=[p.id for p in pupils],
        data_at=latest(moments),
    )


def pupil_final_data(params: Params, scope: Scope) -> Result:
    """Per pupil: the period mark of every subject and the lessons missed in the period
    (Б, У, Н; «О» is not a missed lesson), of them through illness."""
    _required(params, "class_group", "period")
    cls, period = params.class_group, params.period
    assert cls is not None and period is not None
    subjects = class_subjects(cls, scope)
    pupils = on_day(class_pupils(cls, period.starts_on, period.ends_on), period.ends_on)
    assignment_subject = {a: s.subject_id for s in subjects for a in s.assignment_ids}
    rows: dict[int, dict[str, Any]] = {
        p.id: {
            "pupil": pupil_note(p, period.starts_on, period.ends_on),
            "mark": {},
            "missed_lessons": 0,
            "missed_ill": 0,
        }
        for p in pupils
    }
    moments = []
    for pid, assignment_id, value, at in PeriodMark.objects.filter(
        assignment_id__in=list(assignment_subject),
        kind=PeriodMark.Kind.PERIOD,
        period=period,
        pupil_id__in=list(rows),
    ).values_list("pupil_id", "assignment_id", "value", "entered_at"):
        rows[pid]["mark"][assignment_subject[assignment_id]] = value
        moments.append(at)
    for pid, code, at in Attendance.objects.filter(
        Q(lesson__assignment_id__in=list(assignment_subject)),
        lesson__date__gte=period.starts_on,
        lesson__date__lte=period.ends_on,
        pupil_id__in=list(rows),
        code__in=d.MISSED_CODES,
    ).values_list("pupil_id", "code", "updated_at"):
        rows[pid]["missed_lessons"] += 1
        rows[pid]["missed_ill"] += code == "Б"
        moments.append(at)
    return Result(
        rows=[rows[p.id] for p in pupils],
        axes={"subject": [AxisItem(s.subject_id, s.short_title) for s in subjects]},
        caption=[f"Класс {cls.title}, {period.title}"],
        pupil_ids=list(rows),
        data_at=latest(moments),
    )
