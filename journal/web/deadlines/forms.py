"""The deadline form (MRK-3): the date and the school order (number, date) behind it."""

from __future__ import annotations

from django import forms

from journal.web.fields import date_field, text_field


class DeadlineForm(forms.Form):
    due_on = date_field("Последний день выставления")
    order_number = text_field("Номер приказа", max_length=40)
    order_date = date_field("Дата приказа")
