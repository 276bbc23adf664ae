"""Forms of the remarks workflow (CTL-1): the deputy's remark, the teacher's note."""

from __future__ import annotations

from django import forms

from journal.web.fields import AssignmentChoiceField, choice


class RemarkForm(forms.Form):
    assignment = choice(
        AssignmentChoiceField(label="Журнал (класс, предмет, учитель)", queryset=None)
    )
    lesson = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label="Замечание",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Опишите замечание.",
            "max_length": "Замечание: не длиннее 2000 символов.",
        },
    )


class MendForm(forms.Form):
    note = forms.CharField(
        label="Что исправлено",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Напишите, что исправлено.",
            "max_length": "Не длиннее 500 символов.",
        },
    )
