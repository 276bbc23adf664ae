"""Forms of the operator's regulation-template pages: Russian labels; the catalog validates."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from catalog.models import RegulationVersion
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
        label="Правила (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text="Объект JSON; можно указать только изменяемые правила. "
        "Пусто — правила как в предыдущей редакции.",
    )

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
    if head == "regulation_version" and "version" in form.fields:
        return "version", messages
    if head in form.fields:
        return head, [f"{rest}: {m}" if rest else m for m in messages]
    return None, [f"{key}: {m}" for m in messages]
