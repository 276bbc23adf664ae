"""Forms of the class teacher's pupil cards: Russian labels; identity services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings


class TemporaryLoginForm(forms.Form):
    request_reason = forms.CharField(
        label="Причина (из письменного заявления)",
        max_length=500,
        error_messages={
            "required": "Укажите причину из письменного заявления.",
            "max_length": "Причина: не длиннее 500 символов.",
        },
    )
    request_date = forms.DateField(
        label="Дата заявления",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": "Укажите дату письменного заявления.",
            "invalid": "Дата заявления: ДД.ММ.ГГГГ.",
        },
    )
    valid_days = forms.IntegerField(
        label="Срок действия, дней",
        required=False,
        help_text=f"По умолчанию {settings.TEMPORARY_LOGIN_DAYS}, "
        f"не больше {settings.TEMPORARY_LOGIN_MAX_DAYS}.",
        error_messages={"invalid": "Срок действия: целое число дней."},
    )
