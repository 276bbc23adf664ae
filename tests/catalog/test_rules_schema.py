"""TPL-1: the rules JSON — schema, meaning, conversion, and what "loosening" means."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from catalog.definitions import validate_bands, validate_calendar, validate_report_form
from catalog.rules import DEFAULT_RULES, Rules
from catalog.schema import (
    DEFAULT_RULES_DICT,
    RULE_KEYS,
    merge_rules,
    rules_errors,
    rules_from_dict,
    rules_to_dict,
    validate_overrides,
)
from catalog.seed import (
    DEFAULT_FIXED,
    DEFAULT_RULES_SEED,
    DEFAULT_SOURCES,
    PERIOD_SCHEMES,
    REPORT_FORMS,
)


def with_(**changes: Any) -> dict[str, Any]:
    return merge_rules(DEFAULT_RULES_DICT, changes)


def test_default_rules_round_trip_through_json() -> None:
    assert rules_from_dict(rules_to_dict(DEFAULT_RULES)) == DEFAULT_RULES
    assert rules_errors(DEFAULT_RULES_DICT) == {}


def test_every_rules_field_has_a_schema_entry() -> None:
    """A field added to Rules must be added to the schema, or it can never be set."""
    fields = set(Rules.__dataclass_fields__) - {"version_id"}
    assert fields == set(RULE_KEYS)


def test_seeded_default_equals_built_in_defaults_and_cites_every_rule() -> None:
    """Adopting the seed changes nothing a journal relies on; every rule names its clause."""
    assert DEFAULT_RULES_SEED == DEFAULT_RULES_DICT
    assert set(DEFAULT_SOURCES) == set(RULE_KEYS)
    assert all(src[:3] in {"000", "001", "002", "003", "004"} for src in DEFAULT_SOURCES.values())
    assert set(DEFAULT_FIXED) <= set(RULE_KEYS)


def test_old_documents_missing_a_new_field_read_with_its_default() -> None:
    old = dict(DEFAULT_RULES_DICT)
    del old["written_work_mark_deadline_days"]
    old["parent_printout_days"] = 14
    rules = rules_from_dict(old, version_id=7)
    assert rules.version_id == 7
    assert rules.parent_printout_days == 14
    assert rules.written_work_mark_deadline_days == DEFAULT_RULES.written_work_mark_deadline_days


@pytest.mark.parametrize(
    ("document", "key", "fragment"),
    [
        (with_(bonus_marks=True), "rules.bonus_marks", "Неизвестный параметр"),
        (with_(mark_scale=[2, 3, 4, 5, 6]), "rules.mark_scale.4", "не больше 5"),
        (with_(mark_scale=[5]), "rules.mark_scale", "не меньше 2"),
        (with_(mark_scale=[4, 4, 5]), "rules.mark_scale", "повторяться"),
        (with_(mark_entry_deadline_hours=-3), "rules.mark_entry_deadline_hours", "не меньше 0"),
        (with_(mark_entry_deadline_hours="24"), "rules.mark_entry_deadline_hours", "целое число"),
        (with_(grades_without_marks=[12]), "rules.grades_without_marks.0", "не больше 11"),
        (with_(paper_copy_cadence={"2-9": "month"}), "rules.paper_copy_cadence.2-9", "Допустимые"),
        (with_(paper_copy_cadence={"1-12": "quarter"}), "rules.paper_copy_cadence", "Параллели"),
        (
            with_(paper_copy_cadence={"2-9": "quarter", "5-11": "half_year"}),
            "rules.paper_copy_cadence.5-11",
            "уже входит",
        ),
        (
            with_(correction={"allowed": True, "roles": []}),
            "rules.correction.roles",
            "кто их вносит",
        ),
        (with_(correction={"roles": ["janitor"]}), "rules.correction.roles.0", "Допустимые"),
        (
            with_(retention_summary_years=3),
            "rules.retention_summary_years",
            "не меньше, чем журналы",
        ),
        (
            with_(work_kinds=[{"code": "oral", "title": "А", "weight": 1}] * 2),
            "rules.work_kinds",
            "повторяться",
        ),
        (
            with_(work_kinds=[{"code": "oral", "title": "А", "weight": 11}]),
            "rules.work_kinds.0.weight",
            "не больше 10",
        ),
    ],
)
def test_invalid_rules_are_named_in_russian(
    document: dict[str, Any], key: str, fragment: str
) -> None:
    errors = rules_errors(document)
    assert key in errors, errors
    assert any(fragment in message for message in errors[key]), errors[key]


def test_missing_rule_is_required() -> None:
    document = dict(DEFAULT_RULES_DICT)
    del document["mark_scale"]
    assert rules_errors(document) == {"rules.mark_scale": ["Обязательный параметр."]}


FIXED = [
    "mark_scale",
    "correction",
    "retention_journal_years",
    "paper_copy_cadence",
    "backdating_window_days",
]


@pytest.mark.parametrize(
    "overrides",
    [
        {"mark_scale": [1, 2, 3, 4, 5]},
        {"correction": {"window_days": 30}},
        {"correction": {"roles": ["deputy", "director", "teacher"]}},
        {"correction": {"reason_required": False}},
        {"retention_journal_years": 3, "retention_summary_years": 25},
        {"paper_copy_cadence": {"2-11": "half_year"}},
        {"paper_copy_cadence": {"2-9": "quarter"}},  # 10-11 dropped
        {"backdating_window_days": 2},
    ],
)
def test_loosening_a_fixed_rule_is_refused(overrides: dict[str, Any]) -> None:
    # A template that allows audited corrections (the seeded default forbids them).
    template = with_(correction={"allowed": True})
    with pytest.raises(ValidationError) as excinfo:
        validate_overrides(overrides, template_rules=template, fixed=FIXED)
    assert all("только строже" in m for ms in excinfo.value.message_dict.values() for m in ms)


@pytest.mark.parametrize(
    "overrides",
    [
        {"mark_scale": [2, 3, 4, 5]},  # the same
        {"correction": {"window_days": 3}},
        {"correction": {"allowed": False}},
        {"retention_journal_years": 10},
        {"paper_copy_cadence": {"2-11": "quarter"}},
        {"parent_printout_days": 14},  # not fixed: a school's own decision (002)
        {"mark_entry_deadline_hours": 24 * 14},  # not fixed (003 §4.3.1)
    ],
)
def test_tightening_fixed_or_changing_free_rules_is_accepted(overrides: dict[str, Any]) -> None:
    validate_overrides(overrides, template_rules=DEFAULT_RULES_DICT, fixed=FIXED)


def test_overrides_are_validated_like_rules() -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_overrides(
            {"parent_printout_days": 0, "x": 1}, template_rules=DEFAULT_RULES_DICT, fixed=[]
        )
    assert set(excinfo.value.message_dict) == {"overrides.parent_printout_days", "overrides.x"}


def test_seed_period_schemes_and_report_forms_are_valid() -> None:
    for spec in PERIOD_SCHEMES:
        bands = validate_bands(spec["bands"])
        kinds = {b["kind"] for b in bands}
        for start_year, periods in spec["calendars"].items():
            validate_calendar(
                start_year=start_year, periods=periods, holidays=[], kinds_needed=kinds
            )
    for form in REPORT_FORMS:
        validate_report_form(
            code=form["code"],
            row_kind=form["row_kind"],
            parameters=form["parameters"],
            columns=form["columns"],
        )
    assert {f["requirement"] for f in REPORT_FORMS} == {"REP-1", "REP-2"}


def test_overlapping_bands_and_misplaced_dates_are_refused() -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_bands(
            [
                {"grades_from": 1, "grades_to": 9, "kind": "quarter"},
                {"grades_from": 9, "grades_to": 11, "kind": "half_year"},
            ]
        )
    assert "bands.1" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        validate_calendar(
            start_year=2026,
            periods={
                "half_year": [
                    {"start": "2026-09-01", "end": "2027-01-10"},
                    {"start": "2027-01-01", "end": "2027-09-30"},
                ]
            },
            holidays=[],
            kinds_needed={"half_year", "quarter"},
        )
    errors = excinfo.value.message_dict
    assert "periods.quarter" in errors and "periods.half_year.1" in errors
