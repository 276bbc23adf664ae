"""Forms of the operator's regulation-template pages: Russian labels; the catalog validates."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from catalog.models import RegulationVersion
from catalog.schema import DEFAULT_RULES_DICT, merge_rules
from console.rule_form import MARKER, PREFIX, RuleFields, RuleGroup
from tenants.models import School


class VersionCreateForm(forms.Form):
    title = forms.CharField(
        label="Заголовок редакции",
        max_length=300,
        required=False,
        error_messages={"max_length": "Заголовок: не длиннее 300 символов."},
    )
    text = forms.CharField(
        label="Текст положения (Markdown)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    rules = forms.CharField(
        label="Правила в формате JSON (для опытных)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="Объект JSON с изменяемыми правилами; применяется поверх полей выше. "
        "Пусто — правила как в полях.",
    )

    def __init__(self, *args: Any, base_rules: dict[str, Any] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # The per-rule fields (issue #15), prefilled with the base edition's rules.
        self.rule_fields = RuleFields(self, base_rules or DEFAULT_RULES_DICT)

    def rule_groups(self) -> list[RuleGroup]:
        if self.is_bound and not self.per_rule:
            return []  # a post of the raw JSON only is shown back as it came
        return self.rule_fields.groups()

    @property
    def per_rule(self) -> bool:
        """The per-rule fields were posted (the console's page always posts them)."""
        return bool(self.data.get(MARKER))

    def full_clean(self) -> None:
        if self.is_bound and not self.per_rule:
            # A post of the raw JSON only: the per-rule fields are not part of it.
            for name in [n for n in self.fields if n.startswith(PREFIX)]:
                del self.fields[name]
        super().full_clean()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.per_rule and not self.errors:
            rules = self.rule_fields.cleaned_rules()
            data["rules"] = merge_rules(rules, data.get("rules"))
        return data

    def clean_rules(self) -> dict[str, Any] | None:
        raw = (self.cleaned_data.get("rules") or "").strip()
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"Правила: неверный JSON (строка {exc.lineno}, позиция {exc.colno})."
            ) from exc
        if not isinstance(value, dict):
            raise ValidationError('Правила задаются объектом JSON: {"правило": значение}.')
        return value


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.template.title} — редакция {obj.number}: {obj.title}"


class SchoolsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.short_name} ({obj.slug})"


class AdoptForm(forms.Form):
    version = VersionChoiceField(
        label="Опубликованная редакция",
        queryset=RegulationVersion.objects.none(),
        error_messages={
            "required": "Выберите редакцию.",
            "invalid_choice": "Выберите опубликованную редакцию из списка.",
        },
    )
    schools = SchoolsChoiceField(
        label="Школы",
        queryset=School.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Отметьте хотя бы одну школу.",
            "invalid_choice": "Школа %(value)s не найдена.",
            "invalid_pk_value": "Неверный номер школы: %(pk)s.",
        },
    )

    def __init__(self, *args: Any, versions: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version_field = self.fields["version"]
        school_field = self.fields["schools"]
        assert isinstance(version_field, forms.ModelChoiceField)
        assert isinstance(school_field, forms.ModelMultipleChoiceField)
        version_field.queryset = versions
        school_field.queryset = schools


def catalog_error_place(
    form: forms.Form, key: str, messages: list[str]
) -> tuple[str | None, list[str]]:
    """Where a catalogue error (keyed by dotted path) goes on the console's forms.

    `rules.mark_scale.4` goes to the `rules` field with its path; `schools.<slug>.…` goes to
    `schools` naming the school; anything else without a field goes to the form.
    Used as `core.forms.apply_service_errors(form, exc, locate=catalog_error_place)`.
    """
    head, _, rest = key.partition(".")
    rule_fields = getattr(form, "rule_fields", None)
    if rule_fields is not None and getattr(form, "per_rule", False):
        name = rule_fields.error_field(key)
        if name is not None and name in form.fields:
            return name, messages
    if head == "regulation_version" and "version" in form.fields:
        return "version", messages
    if head in form.fields:
        return head, [f"{rest}: {m}" if rest else m for m in messages]
    return None, [f"{key}: {m}" for m in messages]
