"""Curriculum and КТП (PLAN-1, PLAN-2)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import ApplicationError
from journal.access import STRUCTURE_MANAGERS, deny, require_roles, scope_for
from journal.planning.models import CurriculumLine, ThematicPlan, ThematicPlanItem
from journal.structure.models import AcademicYear, Subject, TeachingAssignment
from journal.yearend.guard import year_must_be_open


@transaction.atomic
def curriculum_line_save(
    *, year: AcademicYear, grade: int, subject: Subject, hours_per_year: int, by: Any
) -> CurriculumLine:
    """Учебный план: hours per subject per grade for the year (PLAN-1)."""
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(year.pk)
    errors: dict[str, list[str]] = {}
    if not 1 <= grade <= 11:
        errors["grade"] = ["Параллель — число от 1 до 11."]
    if not 1 <= hours_per_year <= 400:
        errors["hours_per_year"] = ["Часов в год — от 1 до 400."]
    if errors:
        raise ValidationError(errors)
    line, _ = CurriculumLine.objects.update_or_create(
        year=year, grade=grade, subject=subject, defaults={"hours_per_year": hours_per_year}
    )
    return line


@dataclass(frozen=True)
class PlanRow:
    position: int
    topic: str
    hours: int
    planned_on: dt.date | None


def _parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_plan_file(*, content: bytes, filename: str) -> list[PlanRow]:
    """Rows «№; Тема; Часы; Дата» from XLSX or CSV (`;` or `,`); the header row is skipped."""
    raw_rows: list[list[Any]]
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:
            raise ValidationError({"file": ["Не удалось прочитать файл XLSX."]}) from exc
        raw_rows = [list(r) for r in sheet.iter_rows(values_only=True)] if sheet else []
    elif filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1251")
        dialect = csv.excel
        if ";" in text.splitlines()[0] if text else False:
            dialect = csv.excel
            raw_rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        else:
            raw_rows = list(csv.reader(io.StringIO(text), dialect=dialect))
    else:
        raise ValidationError({"file": ["КТП загружается из файла XLSX или CSV."]})
    rows: list[PlanRow] = []
    problems: list[str] = []
    for line_no, raw in enumerate(raw_rows, start=1):
        cells = [c for c in raw] + [None] * 4
        if all(c in (None, "") for c in cells[:4]):
            continue
        first = str(cells[0] or "").strip()
        if line_no == 1 and not first.isdigit():
            continue  # header
        try:
            position = int(float(str(cells[0]).strip()))
            topic = str(cells[1] or "").strip()
            hours = int(float(str(cells[2] or "1").strip()))
            planned_on = _parse_date(cells[3])
        except (TypeError, ValueError):
            problems.append(f"Строка {line_no}: ожидаются №, тема, часы, дата (ДД.ММ.ГГГГ).")
            continue
        if not topic or hours < 1:
            problems.append(f"Строка {line_no}: пустая тема или число часов меньше 1.")
            continue
        rows.append(PlanRow(position, topic[:500], hours, planned_on))
    if problems:
        raise ValidationError({"file": problems[:20]})
    if not rows:
        raise ValidationError({"file": ["В файле нет ни одной темы."]})
    if len({r.position for r in rows}) != len(rows):
        raise ValidationError({"file": ["Номера тем повторяются."]})
    return rows


@transaction.atomic
def thematic_plan_import(
    *, assignment: TeachingAssignment, rows: list[PlanRow], by: Any
) -> ThematicPlan:
    """Load (or replace) the КТП; its hours must equal the curriculum's (PLAN-2, 000 §3.9)."""
    scope = scope_for(by)
    if not (scope.roles & STRUCTURE_MANAGERS or assignment.pk in scope.assignment_ids):
        raise deny("КТП загружает учитель, ведущий предмет, или администрация.")
    year_must_be_open(assignment.year_id)
    line = CurriculumLine.objects.filter(
        year_id=assignment.year_id,
        grade=assignment.class_group.grade,
        subject_id=assignment.subject_id,
    ).first()
    if line is None:
        raise ApplicationError(
            f"В учебном плане нет часов по предмету «{assignment.subject}» "
            f"для {assignment.class_group.grade} класса.",
            field_errors={"file": ["Сначала заполните учебный план."]},
        )
    total = sum(r.hours for r in rows)
    if total != line.hours_per_year:
        raise ApplicationError(
            f"Часы КТП не совпадают с учебным планом: в КТП {total} ч, "
            f"по учебному плану {line.hours_per_year} ч.",
            field_errors={"file": [f"В КТП {total} ч, по учебному плану {line.hours_per_year} ч."]},
            extra={"plan_hours": total, "curriculum_hours": line.hours_per_year},
        )
    ThematicPlan.objects.filter(assignment=assignment).delete()
    plan = ThematicPlan.objects.create(assignment=assignment, total_hours=total)
    ThematicPlanItem.objects.bulk_create(
        ThematicPlanItem(
            plan=plan, position=r.position, topic=r.topic, hours=r.hours, planned_on=r.planned_on
        )
        for r in sorted(rows, key=lambda r: r.position)
    )
    return plan
