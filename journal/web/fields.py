"""Form fields shared by the school's forms: Russian labels and error messages.

The forms only parse what was typed; the journal's services decide the rules, and their
Russian errors are put back on the fields (`core.forms.apply_service_errors`).
"""

from __future__ import annotations

from typing import Any

from django import forms

from journal.roster.models import Pupil

CHOICE = "Выберите значение из списка."
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


def date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": f"Укажите: {label.lower()}.", "invalid": "Дата: ДД.ММ.ГГГГ."},
        input_formats=DATE_FORMATS,
    )


def time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M"],
        error_messages={"invalid": "Время: ЧЧ:ММ."},
    )


def text_field(label: str, *, max_length: int = 150, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": f"Укажите: {label.lower()}.",
            "max_length": f"{label}: не длиннее {max_length} символов.",
        },
    )


def choice(field: forms.Field) -> forms.Field:
    """A choice field whose missing or unknown value reads «Выберите значение из списка»."""
    field.error_messages.update({"required": CHOICE, "invalid_choice": CHOICE})
    return field


def set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    """The choices of a model choice field, given when the form is built."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.full_name or obj.user.username)


class PersonChoiceField(forms.ModelChoiceField):
    """A pupil or a parent by the user's full name."""

    def label_from_instance(self, obj: Any) -> str:
        group = getattr(obj, "class_group", None) if isinstance(obj, Pupil) else None
        name = str(obj.user.full_name or obj.user.username)
        return f"{name} ({group})" if group else name


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        group = f" ({obj.subgroup.title})" if obj.subgroup_id else ""
        return f"{obj.class_group}{group}, {obj.subject.title} — {obj.teacher}"


class TitleMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)
