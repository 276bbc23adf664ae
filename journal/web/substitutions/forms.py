"""The substitution form (ROLE-3): the lesson, the substitute and the reason."""

from __future__ import annotations

from typing import Any

from django import forms

from journal.web.fields import StaffChoiceField, choice, text_field


class LessonChoiceField(forms.ModelChoiceField):
    """A lesson of the day: its slot, class, subject and teacher (and who substitutes)."""

    def label_from_instance(self, obj: Any) -> str:
        a = obj.assignment
        group = f" ({a.subgroup.title})" if a.subgroup_id else ""
        text = f"{obj.slot}-й урок, {a.class_group.title}{group} {a.subject.title} — {a.teacher}"
        if obj.substitute_id:
            text += f" (замена: {obj.substitute})"
        return text


class SubstitutionForm(forms.Form):
    lesson = choice(LessonChoiceField(label="Урок", queryset=None))
    substitute_id = choice(StaffChoiceField(label="Замещающий учитель", queryset=None))
    reason = text_field("Причина замены", max_length=300)
    reason.help_text = "Болезнь, курсы повышения квалификации, командировка…"
