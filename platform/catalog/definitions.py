"""Validation of reporting-period schemes (TPL-2) and report-form definitions (TPL-3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from catalog.schema import PERIOD_KINDS, PERIODS_PER_YEAR, schema_errors

# --- reporting periods --------------------------------------------------------------------

BANDS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "grades_from": {"type": "integer", "minimum": 1, "maximum": 11},
            "grades_to": {"type": "integer", "minimum": 1, "maximum": 11},
            "kind": {"enum": [k for k in PERIOD_KINDS]},
        },
        "required": ["grades_from", "grades_to", "kind"],
    },
}

_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_SPAN: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 100},
        "start": _DATE,
        "end": _DATE,
    },
    "required": ["start", "end"],
}
PERIODS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {kind: {"type": "array", "items": _SPAN, "minItems": 1} for kind in PERIOD_KINDS},
    "minProperties": 1,
}
_GRADE = {"type": "integer", "minimum": 1, "maximum": 11}
HOLIDAYS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        **_SPAN,
        # Holidays of some grades only (e.g. the extra week of the 1st grade); all without.
        "properties": {**_SPAN["properties"], "grades_from": _GRADE, "grades_to": _GRADE},
        "required": ["title", "start", "end"],
    },
}


def validate_bands(bands: Any) -> list[dict[str, Any]]:
    """Grade bands of a scheme: each grade 1..11 in at most one band."""
    errors = schema_errors(bands, BANDS_SCHEMA, prefix="bands")
    if errors:
        raise ValidationError(errors)
    seen: dict[int, int] = {}
    for index, band in enumerate(bands):
        if band["grades_from"] > band["grades_to"]:
            errors[f"bands.{index}"] = ["Начало диапазона параллелей больше конца."]
            continue
        for grade in range(band["grades_from"], band["grades_to"] + 1):
            if grade in seen:
                errors[f"bands.{index}"] = [f"Параллель {grade} уже есть в другом диапазоне."]
                break
            seen[grade] = index
    if errors:
        raise ValidationError(errors)
    return sorted(bands, key=lambda b: b["grades_from"])


def _date(value: str, key: str, errors: dict[str, list[str]]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.setdefault(key, []).append("Неверная дата (ожидается ГГГГ-ММ-ДД).")
        return None


def validate_calendar(
    *, start_year: int, periods: Any, holidays: Any, kinds_needed: set[str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Dates of one academic year: every kind the scheme uses, in order, inside the year."""
    errors: dict[str, list[str]] = {}
    if not 2000 <= start_year <= 2100:
        raise ValidationError({"start_year": ["Учебный год указывается годом начала, 2000–2100."]})
    errors.update(schema_errors(periods, PERIODS_SCHEMA, prefix="periods"))
    errors.update(schema_errors(holidays, HOLIDAYS_SCHEMA, prefix="holidays"))
    if errors:
        raise ValidationError(errors)
    year_start, year_end = dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)
    for kind in sorted(kinds_needed - set(periods)):
        errors.setdefault(f"periods.{kind}", []).append("Схема использует этот вид периодов.")
    for kind, spans in periods.items():
        if len(spans) != PERIODS_PER_YEAR[kind]:
            errors.setdefault(f"periods.{kind}", []).append(
                f"В учебном году {PERIODS_PER_YEAR[kind]} таких периодов."
            )
        previous_end: dt.date | None = None
        for index, span in enumerate(spans):
            key = f"periods.{kind}.{index}"
            start, end = _date(span["start"], key, errors), _date(span["end"], key, errors)
            if start is None or end is None:
                continue
            if start > end:
                errors.setdefault(key, []).append("Начало позже окончания.")
            if start < year_start or end > year_end:
                errors.setdefault(key, []).append(
                    f"Даты выходят за учебный год {start_year}/{start_year + 1}."
                )
            if previous_end is not None and start <= previous_end:
                errors.setdefault(key, []).append("Периоды идут по порядку и не пересекаются.")
            previous_end = end
    for index, span in enumerate(holidays):
        key = f"holidays.{index}"
        start, end = _date(span["start"], key, errors), _date(span["end"], key, errors)
        if start and end and (start > end or start < year_start or end > year_end):
            errors.setdefault(key, []).append("Каникулы лежат внутри учебного года.")
        if span.get("grades_from", 1) > span.get("grades_to", 11):
            errors.setdefault(key, []).append("Начало диапазона параллелей больше конца.")
    if errors:
        raise ValidationError(errors)
    return periods, holidays


# --- report forms -------------------------------------------------------------------------

ROW_KINDS = ("pupil", "class_group", "teacher", "subject", "grade", "school", "month")
PARAMETER_TYPES = (
    "academic_year",
    "period",
    "month",
    "date",
    "date_range",
    "class_group",
    "grade",
    "subject",
    "teacher",
)
COLUMN_TYPES = ("string", "integer", "decimal", "percent", "mark", "date", "boolean")

_NAME = {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,63}$"}
PARAMETERS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": _NAME,
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "type": {"enum": list(PARAMETER_TYPES)},
            "required": {"type": "boolean"},
        },
        "required": ["name", "title", "type"],
    },
}
COLUMNS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "key": _NAME,
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "type": {"enum": list(COLUMN_TYPES)},
            "description": {"type": "string", "maxLength": 1000},
            # A column that repeats per subject / per period (e.g. summary progress sheet).
            "repeat": {"enum": ["subject", "period", "month", "day"]},
        },
        "required": ["key", "title", "type"],
    },
}


def validate_report_form(
    *, code: str, row_kind: str, parameters: Any, columns: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    errors: dict[str, list[str]] = {}
    if row_kind not in ROW_KINDS:
        errors["row_kind"] = ["Допустимые значения: " + ", ".join(ROW_KINDS) + "."]
    errors.update(schema_errors(parameters, PARAMETERS_SCHEMA, prefix="parameters"))
    errors.update(schema_errors(columns, COLUMNS_SCHEMA, prefix="columns"))
    if not errors:
        names = [p["name"] for p in parameters]
        if len(names) != len(set(names)):
            errors["parameters"] = ["Имена параметров не должны повторяться."]
        keys = [c["key"] for c in columns]
        if len(keys) != len(set(keys)):
            errors["columns"] = ["Ключи столбцов не должны повторяться."]
    if errors:
        raise ValidationError(errors)
    return parameters, columns
