"""Machine-readable rules as JSON: the schema, semantic checks, and conversion to `Rules`.

Rules are stored as JSON in the public schema (a regulation version's rules and a school's
local overrides). Everything that is written goes through `validate_rules`; everything that
is read goes through `rules_from_dict`, which fills fields added to `Rules` after the
version was written with their defaults, so old versions stay readable.

Error messages are Russian and keyed by a dotted path (`rules.mark_scale`), so an operator's
form can put each message next to its field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from accounts.policy import SIGN_IN_ESIA, SIGN_IN_PASSWORD, SIGN_IN_TEMPORARY
from accounts.roles import SCHOOL_ROLES
from catalog.rules import (
    DEADLINE_FROM_DAY_END,
    DEADLINE_FROM_LESSONS_END,
    DEFAULT_RULES,
    CorrectionPolicy,
    Rules,
    WorkKindRule,
)

PERIOD_KINDS = ("quarter", "trimester", "half_year", "year")
PERIOD_KIND_TITLES = {
    "quarter": "четверть",
    "trimester": "триместр",
    "half_year": "полугодие",
    "year": "год",
}
# The ordinal's ending agrees with the noun: 1-я четверть, 1-й триместр, 1-е полугодие.
PERIOD_ORDINAL_ENDINGS = {"quarter": "я", "trimester": "й", "half_year": "е", "year": "й"}


def period_title(kind: str, number: int) -> str:
    """«2-я четверть»: how a reporting period is called in Russian."""
    return f"{number}-{PERIOD_ORDINAL_ENDINGS[kind]} {PERIOD_KIND_TITLES[kind]}"


# How many periods of a kind make up an academic year, and their length rank (for
# comparing cadences: a longer period between paper copies is a looser rule).
PERIODS_PER_YEAR = {"quarter": 4, "trimester": 3, "half_year": 2, "year": 1}
GRADE_BAND_RE = r"^([1-9]|1[01])(-([1-9]|1[01]))?$"

_INT = {"type": "integer"}


def _int(minimum: int, maximum: int) -> dict[str, Any]:
    return {**_INT, "minimum": minimum, "maximum": maximum}


def _methods(allowed: list[str]) -> dict[str, Any]:
    return {"type": "array", "items": {"enum": allowed}, "minItems": 1, "uniqueItems": True}


RULES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "mark_scale": {
            "type": "array",
            "items": _int(1, 5),
            "minItems": 2,
            "uniqueItems": True,
        },
        "grades_without_marks": {
            "type": "array",
            "items": _int(1, 11),
            "uniqueItems": True,
        },
        "mark_entry_deadline_hours": _int(0, 24 * 31),
        "mark_entry_deadline_from": {"enum": [DEADLINE_FROM_DAY_END, DEADLINE_FROM_LESSONS_END]},
        "homework_deadline_hours": _int(0, 24 * 7),
        "written_work_mark_deadline_days": _int(0, 31),
        "backdating_window_days": _int(0, 31),
        "correction": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "allowed": {"type": "boolean"},
                "window_days": _int(0, 31),
                "roles": {
                    "type": "array",
                    "items": {"enum": sorted(SCHOOL_ROLES)},
                    "uniqueItems": True,
                },
                "reason_required": {"type": "boolean"},
            },
        },
        "paper_copy_cadence": {
            "type": "object",
            "propertyNames": {"pattern": GRADE_BAND_RE},
            "additionalProperties": {"enum": list(PERIOD_KINDS)},
            "minProperties": 1,
        },
        "parent_printout_days": _int(1, 31),
        "retention_journal_years": _int(1, 100),
        "retention_summary_years": _int(1, 100),
        "min_marks_per_weekly_hour": _int(0, 10),
        "systematic_absence_threshold": _int(1, 100),
        "work_kinds": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,31}$"},
                    "title": {"type": "string", "minLength": 1, "maxLength": 100},
                    "weight": _int(1, 10),
                    "written": {"type": "boolean"},
                    "mark_deadline_days": {
                        "type": ["integer", "null"],
                        "minimum": 0,
                        "maximum": 31,
                    },
                },
                "required": ["code", "title", "weight"],
            },
        },
        "mending_window_days": _int(0, 31),
        "sign_in": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "staff": _methods([SIGN_IN_PASSWORD, SIGN_IN_ESIA]),
                "pupil": _methods([SIGN_IN_ESIA, SIGN_IN_TEMPORARY]),
                "parent": _methods([SIGN_IN_ESIA]),
            },
        },
        "temporary_login_issuers": {
            "type": "array",
            "items": {"enum": ["class_teacher", "journal_admin"]},
            "minItems": 1,
            "uniqueItems": True,
        },
        "small_cell_k": _int(2, 50),
    },
}
RULE_KEYS: tuple[str, ...] = tuple(RULES_SCHEMA["properties"])
# Rules every version names since the first seed (issue 1). Rules added later are optional
# in a stored document and read with their defaults, so versions written before stay valid.
LEGACY_RULE_KEYS: tuple[str, ...] = (
    "mark_scale",
    "grades_without_marks",
    "mark_entry_deadline_hours",
    "homework_deadline_hours",
    "written_work_mark_deadline_days",
    "backdating_window_days",
    "correction",
    "paper_copy_cadence",
    "parent_printout_days",
    "retention_journal_years",
    "retention_summary_years",
    "min_marks_per_weekly_hour",
    "systematic_absence_threshold",
    "work_kinds",
)
# Objects a school's overrides may change one key of (merged one level deep).
NESTED_RULES = ("correction", "sign_in")
# A version's rules name every rule; a school's overrides (RULES_SCHEMA) name some.
FULL_RULES_SCHEMA: dict[str, Any] = {
    **RULES_SCHEMA,
    "properties": {
        **RULES_SCHEMA["properties"],
        "correction": {
            **RULES_SCHEMA["properties"]["correction"],
            "required": ["allowed", "window_days", "roles", "reason_required"],
        },
        "sign_in": {
            **RULES_SCHEMA["properties"]["sign_in"],
            "required": ["staff", "pupil", "parent"],
        },
    },
    "required": list(LEGACY_RULE_KEYS),
}

RULE_TITLES = {
    "mark_scale": "шкала отметок",
    "grades_without_marks": "безотметочные параллели",
    "mark_entry_deadline_hours": "срок выставления отметок за урок",
    "mark_entry_deadline_from": "от чего отсчитывается срок выставления отметок",
    "homework_deadline_hours": "срок записи домашнего задания",
    "written_work_mark_deadline_days": "срок выставления отметок за письменные работы",
    "backdating_window_days": "окно записи «задним числом»",
    "correction": "порядок исправления ошибок",
    "paper_copy_cadence": "периодичность бумажных копий",
    "parent_printout_days": "периодичность распечаток для родителей",
    "retention_journal_years": "срок хранения журналов",
    "retention_summary_years": "срок хранения сводных ведомостей",
    "min_marks_per_weekly_hour": "накопляемость отметок",
    "systematic_absence_threshold": "порог систематических пропусков",
    "work_kinds": "виды работ",
    "mending_window_days": "срок устранения ошибок и замечаний",
    "sign_in": "способы входа",
    "temporary_login_issuers": "кто выдаёт временные логины",
    "small_cell_k": "порог скрытия малых групп в статистике управления образования",
}

_TYPE_NAMES = {
    "integer": "целое число",
    "number": "число",
    "string": "строка",
    "boolean": "да/нет (true/false)",
    "array": "список",
    "object": "объект",
}


# --- conversion ---------------------------------------------------------------------------


def rules_to_dict(rules: Rules) -> dict[str, Any]:
    """The JSON form of `Rules` (without `version_id`, which is the row, not the rules)."""
    data = dataclasses.asdict(rules)
    data.pop("version_id", None)
    data["mark_scale"] = list(rules.mark_scale)
    data["grades_without_marks"] = list(rules.grades_without_marks)
    data["correction"]["roles"] = list(rules.correction.roles)
    data["work_kinds"] = [dataclasses.asdict(k) for k in rules.work_kinds]
    data["sign_in"] = {who: list(methods) for who, methods in rules.sign_in.items()}
    data["temporary_login_issuers"] = list(rules.temporary_login_issuers)
    return data


DEFAULT_RULES_DICT: dict[str, Any] = rules_to_dict(DEFAULT_RULES)


def rules_from_dict(data: dict[str, Any], *, version_id: int | None = None) -> Rules:
    """`Rules` from stored JSON; keys missing in old documents take the default."""
    merged = {**DEFAULT_RULES_DICT, **{k: v for k, v in data.items() if k in RULE_KEYS}}
    correction = {**DEFAULT_RULES_DICT["correction"], **(merged["correction"] or {})}
    sign_in = {**DEFAULT_RULES_DICT["sign_in"], **(merged["sign_in"] or {})}
    return Rules(
        version_id=version_id,
        mark_scale=tuple(sorted(int(v) for v in merged["mark_scale"])),
        grades_without_marks=tuple(sorted(int(v) for v in merged["grades_without_marks"])),
        mark_entry_deadline_hours=int(merged["mark_entry_deadline_hours"]),
        mark_entry_deadline_from=str(merged["mark_entry_deadline_from"]),
        homework_deadline_hours=int(merged["homework_deadline_hours"]),
        backdating_window_days=int(merged["backdating_window_days"]),
        correction=CorrectionPolicy(
            allowed=bool(correction["allowed"]),
            window_days=int(correction["window_days"]),
            roles=tuple(correction["roles"]),
            reason_required=bool(correction["reason_required"]),
        ),
        paper_copy_cadence=dict(merged["paper_copy_cadence"]),
        parent_printout_days=int(merged["parent_printout_days"]),
        retention_journal_years=int(merged["retention_journal_years"]),
        retention_summary_years=int(merged["retention_summary_years"]),
        min_marks_per_weekly_hour=int(merged["min_marks_per_weekly_hour"]),
        systematic_absence_threshold=int(merged["systematic_absence_threshold"]),
        work_kinds=tuple(
            WorkKindRule(
                str(k["code"]),
                str(k["title"]),
                int(k["weight"]),
                written=bool(k.get("written", False)),
                mark_deadline_days=(
                    None if k.get("mark_deadline_days") is None else int(k["mark_deadline_days"])
                ),
            )
            for k in merged["work_kinds"]
        ),
        written_work_mark_deadline_days=int(merged["written_work_mark_deadline_days"]),
        mending_window_days=int(merged["mending_window_days"]),
        sign_in={who: tuple(methods) for who, methods in sign_in.items()},
        temporary_login_issuers=tuple(merged["temporary_login_issuers"]),
        small_cell_k=int(merged["small_cell_k"]),
    )


def merge_rules(base: dict[str, Any], changes: dict[str, Any] | None) -> dict[str, Any]:
    """`changes` over `base`, one level deep for objects (`correction` may change one key)."""
    merged = dict(base)
    for key, value in (changes or {}).items():
        if key in NESTED_RULES and isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


# --- validation ---------------------------------------------------------------------------


def _path(prefix: str, parts: Iterable[Any]) -> str:
    return ".".join([prefix, *(str(p) for p in parts)])


def _message(error: SchemaError) -> str:
    v, arg = error.validator, error.validator_value
    if v == "type":
        names = [arg] if isinstance(arg, str) else [a for a in arg if a != "null"]
        return "Ожидается " + " или ".join(_TYPE_NAMES.get(str(a), str(a)) for a in names) + "."
    if v == "minimum":
        return f"Значение должно быть не меньше {arg}."
    if v == "maximum":
        return f"Значение должно быть не больше {arg}."
    if v == "enum":
        return "Допустимые значения: " + ", ".join(str(a) for a in arg) + "."
    if v == "uniqueItems":
        return "Значения не должны повторяться."
    if v == "minItems":
        return f"Нужно не меньше {arg} значений."
    if v == "minProperties":
        return "Укажите хотя бы одно значение."
    if v in {"minLength"}:
        return "Не может быть пустым."
    if v == "maxLength":
        return f"Не длиннее {arg} символов."
    if v == "pattern":
        return "Неверный формат."
    return "Неверное значение."


def schema_errors(document: Any, schema: dict[str, Any], *, prefix: str) -> dict[str, list[str]]:
    """Russian messages for every schema violation, keyed by dotted path."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, [])
        if message not in errors[key]:
            errors[key].append(message)

    validator = Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set((error.schema.get("properties") or {}).keys())
            for extra in sorted(set(error.instance) - known):
                add(_path(prefix, [*where, extra]), "Неизвестный параметр.")
        elif error.validator == "required":
            for missing in error.validator_value:
                if isinstance(error.instance, dict) and missing not in error.instance:
                    add(_path(prefix, [*where, missing]), "Обязательный параметр.")
        elif error.validator == "propertyNames" or "propertyNames" in error.schema_path:
            add(
                _path(prefix, where),
                "Параллели указываются как «2-9» или «11» (от 1 до 11).",
            )
        else:
            add(_path(prefix, where), _message(error))
    return errors


def grade_band(band: str) -> tuple[int, int]:
    first, _, last = band.partition("-")
    return int(first), int(last or first)


def with_defaults(rules: dict[str, Any]) -> dict[str, Any]:
    """A stored document with the rules added after it was written, at their defaults."""
    return merge_rules(DEFAULT_RULES_DICT, rules)


def _semantic_errors(document: dict[str, Any], *, prefix: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    rules = with_defaults(document)
    seen: dict[int, str] = {}
    for band in rules["paper_copy_cadence"]:
        low, high = grade_band(band)
        if low > high:
            errors.setdefault(f"{prefix}.paper_copy_cadence.{band}", []).append(
                "Начало диапазона параллелей больше конца."
            )
            continue
        for grade in range(low, high + 1):
            if grade in seen:
                errors.setdefault(f"{prefix}.paper_copy_cadence.{band}", []).append(
                    f"Параллель {grade} уже входит в диапазон «{seen[grade]}»."
                )
                break
            seen[grade] = band
    correction = rules["correction"]
    if correction["allowed"] and not correction["roles"]:
        errors.setdefault(f"{prefix}.correction.roles", []).append(
            "Если исправления разрешены, укажите, кто их вносит."
        )
    if correction["allowed"] and correction["window_days"] < 1:
        errors.setdefault(f"{prefix}.correction.window_days", []).append(
            "Если исправления разрешены, срок должен быть не меньше 1 дня."
        )
    if rules["retention_summary_years"] < rules["retention_journal_years"]:
        errors.setdefault(f"{prefix}.retention_summary_years", []).append(
            "Сводные ведомости хранятся не меньше, чем журналы."
        )
    codes = [k["code"] for k in rules["work_kinds"]]
    if len(codes) != len(set(codes)):
        errors.setdefault(f"{prefix}.work_kinds", []).append(
            "Коды видов работ не должны повторяться."
        )
    if set(rules["grades_without_marks"]) >= set(range(1, 12)):
        errors.setdefault(f"{prefix}.grades_without_marks", []).append(
            "Хотя бы в одной параллели ставятся отметки."
        )
    return errors


def rules_errors(document: Any, *, prefix: str = "rules") -> dict[str, list[str]]:
    """All problems of a complete rules document (schema first, then meaning)."""
    if not isinstance(document, dict):
        return {prefix: ["Правила задаются объектом JSON."]}
    errors = schema_errors(document, FULL_RULES_SCHEMA, prefix=prefix)
    if errors:
        return errors
    return _semantic_errors(document, prefix=prefix)


def validate_rules(document: Any, *, prefix: str = "rules") -> dict[str, Any]:
    """Raise ValidationError({path: [Russian message]}) unless `document` is valid."""
    errors = rules_errors(document, prefix=prefix)
    if errors:
        raise ValidationError(errors)
    return dict(document)


def validate_fixed(fixed: Any, *, prefix: str = "fixed") -> list[str]:
    """The list of rule keys a version marks as fixed (schools may not loosen them)."""
    if not isinstance(fixed, list) or not all(isinstance(k, str) for k in fixed):
        raise ValidationError({prefix: ["Укажите список названий правил."]})
    unknown = [k for k in fixed if k not in RULE_KEYS]
    if unknown:
        raise ValidationError({prefix: [f"Неизвестное правило: {k}." for k in unknown]})
    return sorted(set(fixed))


# --- loosening of fixed rules -------------------------------------------------------------


def _larger_is_looser(template: Any, local: Any) -> bool:
    return bool(local > template)


def _smaller_is_looser(template: Any, local: Any) -> bool:
    return bool(local < template)


def _cadence_by_grade(cadence: dict[str, str]) -> dict[int, str]:
    grades: dict[int, str] = {}
    for band, kind in cadence.items():
        low, high = grade_band(band)
        for grade in range(low, high + 1):
            grades[grade] = kind
    return grades


def _cadence_looser(template: dict[str, str], local: dict[str, str]) -> bool:
    # Fewer periods per year means paper copies are made less often.
    mine = _cadence_by_grade(local)
    for grade, kind in _cadence_by_grade(template).items():
        if grade not in mine or PERIODS_PER_YEAR[mine[grade]] < PERIODS_PER_YEAR[kind]:
            return True
    return False


def _correction_looser(template: dict[str, Any], local: dict[str, Any]) -> bool:
    if not template["allowed"]:
        return bool(local["allowed"])
    if not local["allowed"]:
        return False
    return (
        local["window_days"] > template["window_days"]
        or not set(local["roles"]) <= set(template["roles"])
        or (template["reason_required"] and not local["reason_required"])
    )


def _methods_looser(template: dict[str, Any], local: dict[str, Any]) -> bool:
    # Another way in for some kind of account than the template names.
    return any(not set(local.get(who, [])) <= set(methods) for who, methods in template.items())


LOOSER: dict[str, Callable[[Any, Any], bool]] = {
    # More values on the scale, or fewer grades without marks, admit what the rule forbids.
    "mark_scale": lambda t, s: not set(s) <= set(t),
    "grades_without_marks": lambda t, s: not set(t) <= set(s),
    "mark_entry_deadline_hours": _larger_is_looser,
    # Counting from the end of the day gives more time than from the end of the lessons.
    "mark_entry_deadline_from": lambda t, s: t == DEADLINE_FROM_LESSONS_END and s != t,
    "homework_deadline_hours": _larger_is_looser,
    "written_work_mark_deadline_days": _larger_is_looser,
    "backdating_window_days": _larger_is_looser,
    "correction": _correction_looser,
    "paper_copy_cadence": _cadence_looser,
    "parent_printout_days": _larger_is_looser,
    "retention_journal_years": _smaller_is_looser,
    "retention_summary_years": _smaller_is_looser,
    "min_marks_per_weekly_hour": _smaller_is_looser,
    "systematic_absence_threshold": _larger_is_looser,
    # A list of kinds has no order of strictness: a fixed list is kept as it is.
    "work_kinds": lambda t, s: t != s,
    "mending_window_days": _larger_is_looser,
    "sign_in": _methods_looser,
    "temporary_login_issuers": lambda t, s: not set(s) <= set(t),
    # A smaller group shown is less protection of the pupils (SEC-4).
    "small_cell_k": _smaller_is_looser,
}


def loosened_fixed_rules(
    *, template_rules: dict[str, Any], local_rules: dict[str, Any], fixed: Iterable[str]
) -> list[str]:
    """Keys of fixed rules that `local_rules` makes looser than the template."""
    template_rules = with_defaults(template_rules)
    return [
        key
        for key in fixed
        if key in local_rules and LOOSER[key](template_rules[key], local_rules[key])
    ]


def validate_overrides(
    overrides: Any,
    *,
    template_rules: dict[str, Any],
    fixed: Iterable[str],
    prefix: str = "overrides",
) -> dict[str, Any]:
    """A school's local changes: valid on their own, valid merged, no fixed rule loosened."""
    if overrides is None:
        return {}
    if not isinstance(overrides, dict):
        raise ValidationError({prefix: ["Местные изменения задаются объектом JSON."]})
    errors = schema_errors(overrides, RULES_SCHEMA, prefix=prefix)
    if errors:
        raise ValidationError(errors)
    merged = merge_rules(template_rules, overrides)
    errors = rules_errors(merged, prefix=prefix)
    if errors:
        raise ValidationError(errors)
    loosened = loosened_fixed_rules(template_rules=template_rules, local_rules=merged, fixed=fixed)
    if loosened:
        raise ValidationError(
            {
                f"{prefix}.{key}": [
                    f"Правило «{RULE_TITLES[key]}» закреплено в шаблоне: школа может "
                    "сделать его только строже."
                ]
                for key in loosened
            }
        )
    # Keep only what differs from the template: a later version's value then applies.
    return {k: v for k, v in merged.items() if k in overrides and template_rules.get(k) != v}
