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
from journal.structure.closing import year_must_be_open
from journal.structure.models import AcademicYear, Subject, TeachingAssignment


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


ROW_FORMAT_ERROR = "ожидаются №, тема, часы, дата (ДД.ММ.ГГГГ)."
ROW_CONTENT_ERROR = "пустая тема или число часов меньше 1."
ROW_ERRORS_SHOWN = 20  # the first errors of a file, enough to fix it
PREVIEW_ROWS = 500


def plan_file_cells(*, content: bytes, filename: str) -> list[list[Any]]:
    """The rows of a КТП file as cells, from XLSX or CSV (`;` or `,`); a file of another
    kind or an unreadable XLSX is refused in Russian (ValidationError on `file`)."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:
            raise ValidationError({"file": ["Не удалось прочитать файл XLSX."]}) from exc
        return [list(r) for r in sheet.iter_rows(values_only=True)] if sheet else []
    if filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1251", errors="replace")
        first = text.splitlines()[0] if text else ""
        return [
            list(r) for r in csv.reader(io.StringIO(text), delimiter=";" if ";" in first else ",")
        ]
    raise ValidationError({"file": ["КТП загружается из файла XLSX или CSV."]})


def plan_rows_read(raw_rows: list[list[Any]]) -> tuple[list[PlanRow], dict[int, list[str]]]:
    """Rows «№; Тема; Часы; Дата» (the header row is skipped) and the errors of each line,
    by line number (counted from 1, as a spreadsheet shows them)."""
    rows: list[PlanRow] = []
    problems: dict[int, list[str]] = {}
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
            problems.setdefault(line_no, []).append(ROW_FORMAT_ERROR)
            continue
        if not topic or hours < 1:
            problems.setdefault(line_no, []).append(ROW_CONTENT_ERROR)
            continue
        rows.append(PlanRow(position, topic[:500], hours, planned_on))
    shown = dict(list(problems.items())[:ROW_ERRORS_SHOWN])
    return rows, shown


def plan_rows_check(rows: list[PlanRow]) -> None:
    """The file as a whole: at least one topic, no number twice."""
    if not rows:
        raise ValidationError({"file": ["В файле нет ни одной темы."]})
    if len({r.position for r in rows}) != len(rows):
        raise ValidationError({"file": ["Номера тем повторяются."]})


def parse_plan_file(*, content: bytes, filename: str) -> list[PlanRow]:
    """The КТП rows of a file, or a ValidationError on `file` listing what is wrong
    («Строка N: …» for a line)."""
    rows, problems = plan_rows_read(plan_file_cells(content=content, filename=filename))
    if problems:
        raise ValidationError(
            {"file": [f"Строка {n}: {m}" for n, msgs in problems.items() for m in msgs]}
        )
    plan_rows_check(rows)
    return rows


def preview_text(cell: Any) -> str:
    if isinstance(cell, dt.date | dt.datetime):
        return cell.strftime("%d.%m.%Y")
    return str(cell or "")


@dataclass
class PlanCheck:
    """What the КТП upload page shows before anything is saved (PLAN-2)."""

    rows: list[PlanRow]
    preview: list[tuple[int, list[str]]]  # line number, the first four cells as text
    row_errors: dict[int, list[str]]  # line number -> errors of that line
    file_errors: list[str]  # errors of the file as a whole (format, hours, rights)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(m) for m in self.row_errors.values())


def thematic_plan_check(
    *, assignment: TeachingAssignment, content: bytes, filename: str, by: Any
) -> PlanCheck:
    """A dry run of the КТП import (PLAN-2): every rule `thematic_plan_import` applies
    (lines, hours against the curriculum, the right to load it) is checked and nothing is
    written. Row errors come back by line number, the others as the file's errors."""
    try:
        raw_rows = plan_file_cells(content=content, filename=filename)
    except ValidationError as exc:
        return PlanCheck(rows=[], preview=[], row_errors={}, file_errors=list(exc.messages))
    rows, row_errors = plan_rows_read(raw_rows)
    preview = [
        (line_no, cells)
        for line_no, raw in enumerate(raw_rows[:PREVIEW_ROWS], start=1)
        if any(cells := [preview_text(c) for c in (list(raw) + [None] * 4)[:4]])
    ]
    file_errors: list[str] = []
    if not row_errors:
        try:
            plan_rows_check(rows)
            thematic_plan_validate(assignment=assignment, rows=rows, by=by)
        except ValidationError as exc:
            file_errors = list(exc.messages)
        except ApplicationError as exc:
            file_errors = [exc.message]
    return PlanCheck(rows=rows, preview=preview, row_errors=row_errors, file_errors=file_errors)


def thematic_plan_validate(*, assignment: TeachingAssignment, rows: list[PlanRow], by: Any) -> int:
    """The rules of loading a КТП: the user's right, the curriculum's hours for the subject
    (PLAN-2, 000 §3.9). Returns the plan's total hours; refuses in Russian."""
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
    return total


@transaction.atomic
def thematic_plan_import(
    *, assignment: TeachingAssignment, rows: list[PlanRow], by: Any
) -> ThematicPlan:
    """Load (or replace) the КТП; its hours must equal the curriculum's (PLAN-2, 000 §3.9)."""
    total = thematic_plan_validate(assignment=assignment, rows=rows, by=by)
    ThematicPlan.objects.filter(assignment=assignment).delete()
    plan = ThematicPlan.objects.create(assignment=assignment, total_hours=total)
    ThematicPlanItem.objects.bulk_create(
        ThematicPlanItem(
            plan=plan, position=r.position, topic=r.topic, hours=r.hours, planned_on=r.planned_on
        )
        for r in sorted(rows, key=lambda r: r.position)
    )
    return plan
