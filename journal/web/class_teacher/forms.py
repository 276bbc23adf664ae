"""Forms of the class teacher's pages: the reason of an absence, a temporary pupil login,
the monthly data check.
Russian labels and errors; the journal's and identity services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings

from journal.register.models import Attendance
from journal.web.fields import date_field


class AttendanceReasonForm(forms.Form):
    LATE = Attendance.Code.LATE

    code = forms.ChoiceField(
        label="Причина",
        choices=[
            (Attendance.Code.ILL, "Б — болезнь"),
            (Attendance.Code.EXCUSED, "У — уважительная"),
            (Attendance.Code.UNEXCUSED, "Н — неуважительная"),
        ],
    )
    note = forms.CharField(label="Основание (справка, заявление)", max_length=300, required=False)


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


class DataCheckForm(forms.Form):
    """The month's check of pupils' and parents' data (002 п.5 Кл.рук. б)); the months
    offered are those not yet checked."""

    month = forms.TypedChoiceField(
        label="Месяц",
        coerce=dt.date.fromisoformat,
        error_messages={
            "required": "Выберите месяц сверки.",
            "invalid_choice": "Выберите месяц сверки из списка.",
        },
    )
    checked_on = date_field("Дата проверки")
    note = forms.CharField(
        label="Что исправлено",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Что исправлено: не длиннее 1000 символов."},
    )

    def __init__(self, *args: Any, months: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["month"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = months
