"""The form of the year's closing (YEAR-1, 003 §5.2.3): the next year's dates and the
director's order. Russian labels and errors; `journal.yearend.services.year_close` decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from journal.structure.models import AcademicYear
from journal.web.fields import date_field, text_field


def _shifted(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def year_close_initial(year: AcademicYear, today: dt.date) -> dict[str, Any]:
    """The defaults: the next school year a year on, the order signed today."""
    starts, ends = _shifted(year.starts_on), _shifted(year.ends_on)
    return {
        "next_title": f"{starts.year}/{starts.year + 1}",
        "next_starts_on": starts,
        "next_ends_on": ends,
        "order_date": today,
    }


class YearCloseForm(forms.Form):
    next_title = forms.RegexField(
        label="Следующий учебный год",
        regex=r"^\d{4}/\d{4}$",
        error_messages={
            "required": "Укажите следующий учебный год, например 2027/2028.",
            "invalid": "Учебный год в виде ГГГГ/ГГГГ, например 2027/2028.",
        },
    )
    next_starts_on = date_field("Начало следующего года")
    next_ends_on = date_field("Окончание следующего года")
    order_number = text_field("Номер приказа директора", max_length=40)
    order_date = date_field("Дата приказа")
    graduate_ninth = forms.BooleanField(
        label="9-е классы заканчивают обучение в школе (выпуск после 9 класса)",
        required=False,
    )
    confirm = forms.BooleanField(
        label="Проверка и итоги просмотрены: закрыть учебный год (записи года станут "
        "доступны только для чтения)",
        error_messages={"required": "Подтвердите закрытие учебного года."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("next_starts_on"), data.get("next_ends_on")
        if starts and ends and ends <= starts:
            self.add_error("next_ends_on", "Окончание года раньше его начала.")
        return data

    def service_args(self) -> dict[str, Any]:
        v = self.cleaned_data
        return {
            "next_title": v["next_title"],
            "next_starts_on": v["next_starts_on"],
            "next_ends_on": v["next_ends_on"],
            "order_number": v["order_number"],
            "order_date": v["order_date"],
            "graduating_grades": [9, 11] if v.get("graduate_ninth") else [11],
        }
