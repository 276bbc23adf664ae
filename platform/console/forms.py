from __future__ import annotations

from django import forms

from tenants.models import SLUG_RE


class SchoolCreateForm(forms.Form):
    slug = forms.RegexField(
        label="Адрес (поддомен)",
        regex=SLUG_RE,
        max_length=32,
        help_text="Латинские строчные буквы, цифры и дефис, например school12.",
        error_messages={
            "invalid": "Адрес: от 3 до 32 строчных латинских букв, цифр и дефисов; "
            "начинается с буквы."
        },
    )
    name = forms.CharField(label="Полное наименование", max_length=300)
    short_name = forms.CharField(label="Краткое наименование", max_length=100)
    inn = forms.CharField(label="ИНН", max_length=10, min_length=10)
    municipality_code = forms.CharField(label="Код ОКТМО", max_length=11, required=False)
    admin_email = forms.EmailField(label="Эл. почта администратора")
    admin_last_name = forms.CharField(
        label="Фамилия администратора", max_length=150, required=False
    )
    admin_first_name = forms.CharField(label="Имя администратора", max_length=150, required=False)
    admin_patronymic = forms.CharField(
        label="Отчество администратора", max_length=150, required=False
    )
