"""Forms of the class teacher's pages: the reason of an absence, a temporary pupil login.
Russian labels and errors; the journal's and identity services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings

from journal.register.models import Attendance


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
