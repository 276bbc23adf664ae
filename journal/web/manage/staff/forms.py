"""The form of a new member of staff (an account without a password, SET-3)."""

from __future__ import annotations

from django import forms

from accounts import roles
from journal.structure.services import STAFF_ROLE_NAMES
from journal.web.fields import CHOICE, text_field


class StaffCreateForm(forms.Form):
    last_name = text_field("Фамилия")
    first_name = text_field("Имя")
    patronymic = text_field("Отчество", required=False)
    username = text_field("Имя пользователя (логин)")
    email = forms.EmailField(
        label="Эл. почта", required=False, error_messages={"invalid": "Неверный адрес эл. почты."}
    )
    position = text_field("Должность", max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label="Роли",
        choices=[(name, roles.SCHOOL_ROLES[name]) for name in STAFF_ROLE_NAMES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Выберите хотя бы одну роль.", "invalid_choice": CHOICE},
    )
