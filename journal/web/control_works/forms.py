"""The control works schedule form (YEAR-2): the journal, the kind of work, the date."""

from __future__ import annotations

from django import forms

from journal.attestation.models import ControlWork
from journal.web.fields import AssignmentChoiceField, choice, date_field, text_field


class ControlWorkForm(forms.Form):
    assignment = choice(
        AssignmentChoiceField(label="Журнал (класс, предмет, учитель)", queryset=None)
    )
    kind = choice(forms.ChoiceField(label="Вид работы", choices=ControlWork.Kind.choices))
    planned_on = date_field("Дата по графику")
    topic = text_field("Тема", max_length=500, required=False)
