"""Forms of the teaching pages: нагрузка (teacher × subject × class or subgroup × hours)
and the weekly timetable (SET-3). The structure services refuse clashes in Russian."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from journal.structure.models import ClassGroup, StaffMember, Subgroup, Subject, TeachingAssignment
from journal.structure.services import WEEKDAYS
from journal.web.fields import (
    CHOICE,
    AssignmentChoiceField,
    StaffChoiceField,
    choice,
    set_queryset,
    text_field,
)
from journal.web.manage.classes.selectors import subject_choices
from journal.web.manage.staff.selectors import teacher_choices
from journal.web.manage.teaching.selectors import subgroup_choices


class AssignmentCreateForm(forms.Form):
    teacher = choice(StaffChoiceField(label="Учитель", queryset=StaffMember.objects.none()))
    subject = choice(forms.ModelChoiceField(label="Предмет", queryset=Subject.objects.none()))
    class_group = choice(forms.ModelChoiceField(label="Класс", queryset=ClassGroup.objects.none()))
    subgroup = choice(
        forms.ModelChoiceField(
            label="Подгруппа",
            queryset=Subgroup.objects.none(),
            required=False,
            empty_label="— весь класс —",
        )
    )
    weekly_hours = forms.DecimalField(
        label="Часов в неделю",
        max_digits=4,
        decimal_places=1,
        localize=True,
        error_messages={
            "required": "Укажите часы в неделю.",
            "invalid": "Часы в неделю — число, например 4 или 0,5.",
            "max_digits": "Часов в неделю: не больше 12.",
            "max_decimal_places": "Часы: не больше одного знака после запятой.",
        },
    )

    def __init__(self, *args: Any, classes: QuerySet[ClassGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "teacher", teacher_choices())
        set_queryset(self, "subject", subject_choices())
        set_queryset(self, "class_group", classes)
        set_queryset(self, "subgroup", subgroup_choices(classes=classes))


class TimetableEntryForm(forms.Form):
    assignment = choice(
        AssignmentChoiceField(label="Нагрузка", queryset=TeachingAssignment.objects.none())
    )
    weekday = forms.TypedChoiceField(
        label="День недели",
        coerce=int,
        choices=[(i, WEEKDAYS[i].capitalize()) for i in range(1, 7)],
        error_messages={"required": CHOICE, "invalid_choice": CHOICE},
    )
    slot = forms.IntegerField(
        label="Урок №",
        min_value=1,
        max_value=12,
        error_messages={
            "required": "Укажите номер урока.",
            "invalid": "Номер урока — число.",
            "min_value": "Номер урока: от 1 до 12.",
            "max_value": "Номер урока: от 1 до 12.",
        },
    )
    room = text_field("Кабинет", max_length=20, required=False)

    def __init__(self, *args: Any, assignments: QuerySet[TeachingAssignment], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_queryset(self, "assignment", assignments)
