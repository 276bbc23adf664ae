"""The operator's template rules as a form with fields per rule (issue #15, TPL-1).

The fields come from the rules' JSON schema (`catalog.schema.RULES_SCHEMA`): a number for an
integer with its bounds, a checkbox for a yes/no, a list for a choice, checkboxes for a set
of choices or of grades; `correction` and `sign_in` become groups of fields, the work kinds
and the paper-copy cadence rows of a table. Every choice is shown by its Russian name.
Raw JSON stays as an advanced option (the form's `rules` field), applied over the fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.forms import BoundField

from accounts.policy import SIGN_IN_ESIA, SIGN_IN_PASSWORD, SIGN_IN_TEMPORARY
from accounts.roles import SCHOOL_ROLES
from catalog.rules import DEADLINE_FROM_DAY_END, DEADLINE_FROM_LESSONS_END
from catalog.schema import PERIOD_KIND_TITLES, RULE_TITLES, RULES_SCHEMA

PREFIX = "rule__"
MARKER = "rule_fields"  # posted by the form's template: the per-rule fields are there
ROWS_EXTRA = 2  # empty rows for a new work kind or cadence band

CHOICE_TITLES: dict[str, str] = {
    DEADLINE_FROM_DAY_END: "с конца дня урока",
    DEADLINE_FROM_LESSONS_END: "с окончания уроков класса в этот день",
    SIGN_IN_PASSWORD: "пароль",
    SIGN_IN_ESIA: "Госуслуги (ЕСИА)",
    SIGN_IN_TEMPORARY: "временный логин",
    "class_teacher": "классный руководитель",
    **{code: title.lower() for code, title in SCHOOL_ROLES.items()},
    **PERIOD_KIND_TITLES,
}
NESTED_TITLES = {
    "correction.allowed": "исправления разрешены",
    "correction.window_days": "окно исправления, дней",
    "correction.roles": "кто может исправлять",
    "correction.reason_required": "причина исправления обязательна",
    "sign_in.staff": "сотрудники",
    "sign_in.pupil": "обучающиеся",
    "sign_in.parent": "родители",
}
WORK_KIND_COLUMNS = {
    "title": "название",
    "weight": "вес",
    "written": "письменная",
    "mark_deadline_days": "срок отметок, дней",
}
CADENCE_COLUMNS = {"band": "параллели (например, 1-4)", "kind": "период"}
UNITS = {"_hours": "В часах", "_days": "В днях", "_years": "В годах"}
NUMBER_ERRORS = {
    "required": "Укажите число.",
    "invalid": "Введите целое число.",
    "min_value": "Не меньше %(limit_value)s.",
    "max_value": "Не больше %(limit_value)s.",
}


def name_of(path: str) -> str:
    return PREFIX + path.replace(".", "__")


def kind_field(row: int, column: str) -> str:
    """The field of a work kind's row (a path, not a read of the rule's attribute)."""
    return name_of(f"work_kinds.{row}") + "__" + column


def title_of(path: str) -> str:
    title = NESTED_TITLES.get(path) or RULE_TITLES.get(path) or path
    return title[:1].upper() + title[1:]


def field_for(spec: dict[str, Any], label: str) -> forms.Field:
    kind = spec.get("type")
    if kind == "integer":
        return forms.IntegerField(
            label=label,
            min_value=spec.get("minimum"),
            max_value=spec.get("maximum"),
            error_messages=NUMBER_ERRORS,
        )
    if kind == "boolean":
        return forms.BooleanField(label=label, required=False)
    if "enum" in spec:
        return forms.ChoiceField(
            label=label,
            choices=[(v, CHOICE_TITLES.get(v, v)) for v in spec["enum"]],
            error_messages={"invalid_choice": "Выберите значение из списка."},
        )
    items = spec.get("items", {})
    if kind == "array" and "enum" in items:
        choices = [(v, CHOICE_TITLES.get(v, v)) for v in items["enum"]]
    elif kind == "array" and items.get("type") == "integer":
        values = range(items["minimum"], items["maximum"] + 1)
        choices = [(str(v), str(v)) for v in values]
    else:
        raise ValueError(f"no form field for the rule schema {spec}")
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Значение %(value)s не из списка."},
    )


@dataclass
class RuleGroup:
    """One rule on the page: its fields, or a table of rows."""

    title: str
    fields: list[BoundField] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[BoundField]] = field(default_factory=list)


class RuleFields:
    """Adds the per-rule fields to a form and reads the rules back from it."""

    TABLES = ("work_kinds", "paper_copy_cadence")

    def __init__(self, form: forms.Form, rules: dict[str, Any]) -> None:
        self.form = form
        self.rules = rules
        self.plain: list[tuple[str, list[str]]] = []  # group title -> rule paths
        for key, spec in RULES_SCHEMA["properties"].items():
            if key in self.TABLES:
                continue
            if spec.get("type") == "object":
                paths = [f"{key}.{sub}" for sub in spec["properties"]]
                for path, sub_spec in zip(paths, spec["properties"].values(), strict=True):
                    self.add(path, sub_spec, (rules.get(key) or {}).get(path.split(".")[1]))
                self.plain.append((title_of(key), paths))
            else:
                self.add(key, spec, rules.get(key))
                self.plain.append((title_of(key), [key]))
        self.kinds = list(rules.get("work_kinds") or [])
        kind_spec = RULES_SCHEMA["properties"]["work_kinds"]["items"]["properties"]
        for i in range(len(self.kinds) + ROWS_EXTRA):
            current = self.kinds[i] if i < len(self.kinds) else {}
            for column, label in WORK_KIND_COLUMNS.items():
                path = f"work_kinds.{i}.{column}"
                if column == "title":
                    made: forms.Field = forms.CharField(
                        label=f"{label} (строка {i + 1})", max_length=100, required=False
                    )
                elif column == "mark_deadline_days":
                    made = forms.IntegerField(
                        label=f"{label} (строка {i + 1})",
                        min_value=0,
                        max_value=31,
                        required=False,
                        error_messages=NUMBER_ERRORS,
                    )
                else:
                    made = field_for(kind_spec[column], f"{label} (строка {i + 1})")
                    made.required = False
                form.fields[name_of(path)] = made
                form.initial.setdefault(name_of(path), current.get(column))
        self.bands = list((rules.get("paper_copy_cadence") or {}).items())
        for i in range(len(self.bands) + ROWS_EXTRA):
            band, period = self.bands[i] if i < len(self.bands) else ("", "")
            form.fields[name_of(f"paper_copy_cadence.{i}.band")] = forms.CharField(
                label=f"{CADENCE_COLUMNS['band']} (строка {i + 1})", max_length=5, required=False
            )
            form.fields[name_of(f"paper_copy_cadence.{i}.kind")] = forms.ChoiceField(
                label=f"{CADENCE_COLUMNS['kind']} (строка {i + 1})",
                choices=[("", "—"), *((k, t) for k, t in PERIOD_KIND_TITLES.items())],
                required=False,
            )
            form.initial.setdefault(name_of(f"paper_copy_cadence.{i}.band"), band)
            form.initial.setdefault(name_of(f"paper_copy_cadence.{i}.kind"), period)

    def add(self, path: str, spec: dict[str, Any], value: Any) -> None:
        made = field_for(spec, title_of(path))
        unit = next((u for end, u in UNITS.items() if path.endswith(end)), "")
        if unit and spec.get("type") == "integer":
            made.help_text = f"{unit}, от {spec.get('minimum')} до {spec.get('maximum')}"
        self.form.fields[name_of(path)] = made
        if isinstance(value, list):
            value = [str(v) for v in value]
        self.form.initial.setdefault(name_of(path), value)

    def groups(self) -> list[RuleGroup]:
        form = self.form
        groups = [
            RuleGroup(title, [form[name_of(p)] for p in paths]) for title, paths in self.plain
        ]
        groups.append(
            RuleGroup(
                title_of("work_kinds"),
                columns=list(WORK_KIND_COLUMNS.values()),
                rows=[
                    [form[name_of(f"work_kinds.{i}.{c}")] for c in WORK_KIND_COLUMNS]
                    for i in range(len(self.kinds) + ROWS_EXTRA)
                ],
            )
        )
        groups.append(
            RuleGroup(
                title_of("paper_copy_cadence"),
                columns=list(CADENCE_COLUMNS.values()),
                rows=[
                    [form[name_of(f"paper_copy_cadence.{i}.{c}")] for c in CADENCE_COLUMNS]
                    for i in range(len(self.bands) + ROWS_EXTRA)
                ],
            )
        )
        return groups

    def cleaned_rules(self) -> dict[str, Any]:
        """The rules as the fields say (the form must be valid)."""
        data = self.form.cleaned_data
        rules: dict[str, Any] = {}
        for _title, paths in self.plain:
            for path in paths:
                value = data.get(name_of(path))
                spec = RULES_SCHEMA["properties"][path.split(".")[0]]
                if "." in path:
                    spec = spec["properties"][path.split(".")[1]]
                if spec.get("type") == "array" and spec["items"].get("type") == "integer":
                    value = sorted(int(v) for v in value or [])
                head, _, sub = path.partition(".")
                if sub:
                    rules.setdefault(head, {})[sub] = value
                else:
                    rules[head] = value
        kinds = []
        used = {k.get("code") for k in self.kinds}
        for i in range(len(self.kinds) + ROWS_EXTRA):
            title = (data.get(name_of(f"work_kinds.{i}.title")) or "").strip()
            if not title:
                continue
            code = self.kinds[i]["code"] if i < len(self.kinds) else f"kind{i + 1}"
            while i >= len(self.kinds) and code in used:
                code += "x"
            used.add(code)
            kinds.append(
                {
                    "code": code,
                    "title": title,
                    "weight": data.get(name_of(f"work_kinds.{i}.weight")) or 1,
                    "written": bool(data.get(name_of(f"work_kinds.{i}.written"))),
                    "mark_deadline_days": data.get(kind_field(i, "mark_deadline_days")),
                }
            )
        rules["work_kinds"] = kinds
        cadence = {}
        for i in range(len(self.bands) + ROWS_EXTRA):
            band = (data.get(name_of(f"paper_copy_cadence.{i}.band")) or "").strip()
            if band:
                cadence[band] = data.get(name_of(f"paper_copy_cadence.{i}.kind")) or ""
        rules["paper_copy_cadence"] = cadence
        return rules

    def error_field(self, key: str) -> str | None:
        """The field a catalogue error (`rules.work_kinds.1.weight`) belongs to."""
        parts = key.split(".")
        if parts[:1] != ["rules"]:
            return None
        parts = parts[1:]
        if parts[:1] == ["paper_copy_cadence"] and len(parts) > 1:
            bands = [b for b, _ in self.bands] + [
                (self.form.cleaned_data.get(name_of(f"paper_copy_cadence.{i}.band")) or "").strip()
                for i in range(len(self.bands), len(self.bands) + ROWS_EXTRA)
            ]
            if parts[1] in bands:
                return name_of(f"paper_copy_cadence.{bands.index(parts[1])}.band")
        while parts:
            if name_of(".".join(parts)) in self.form.fields:
                return name_of(".".join(parts))
            parts = parts[:-1]
        return None
