"""Forms of the school calendar pages: school years, the dates of reporting periods, the
bell schedule, holidays and schedule changes such as quarantine (SET-1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from journal.structure.models import ClassGroup, ScheduleBreak
from journal.web.fields import (
    CHOICE,
    TitleMultipleChoiceField,
    choice,
    date_field,
    set_queryset,
    text_field,
    time_field,
)

BELL_ROWS = 10


class AcademicYearForm(forms.Form):
    title = forms.RegexField(
        label="Учебный год",
        regex=r"^\d{4}/\d{4}$",
        help_text="Например, 2025/2026. Периоды: четверти в 1–9 классах, полугодия в 10–11.",
        error_messages={
            "required": "Укажите учебный год, например 2025/2026.",
            "invalid": "Учебный год в виде ГГГГ/ГГГГ, например 2025/2026.",
        },
    )
    starts_on = date_field("Начало")
    ends_on = date_field("Окончание")
    days_per_week = forms.TypedChoiceField(
        label="Режим работы",
        coerce=int,
        choices=[(5, "Пятидневная неделя"), (6, "Шестидневная неделя")],
        error_messages={"required": CHOICE, "invalid_choice": CHOICE},
    )
    make_current = forms.BooleanField(label="Сделать текущим", required=False, initial=True)


class PeriodDatesForm(forms.Form):
    """The dates of one reporting period (SET-1); one form per period, prefixed by its id."""

    starts_on = date_field("Начало периода")
    ends_on = date_field("Окончание периода")


class BellScheduleForm(forms.Form):
    """Up to ten lessons: start and end of each; an empty row is no lesson."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, BELL_ROWS + 1):
            self.fields[f"start_{n}"] = time_field(f"Урок №{n}: начало")
            self.fields[f"end_{n}"] = time_field(f"Урок №{n}: окончание")

    @staticmethod
    def initial_of(bells: Any) -> dict[str, Any]:
        """The form's initial values from a year's bell slots."""
        initial: dict[str, Any] = {}
        for bell in bells:
            initial[f"start_{bell.number}"] = bell.starts_at
            initial[f"end_{bell.number}"] = bell.ends_at
        return initial

    def rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(n, self[f"start_{n}"], self[f"end_{n}"]) for n in range(1, BELL_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, BELL_ROWS + 1):
            start, end = data.get(f"start_{n}"), data.get(f"end_{n}")
            if (start is None) != (end is None) and not (
                self.has_error(f"start_{n}") or self.has_error(f"end_{n}")
            ):
                name = f"end_{n}" if end is None else f"start_{n}"
                self.add_error(name, f"Урок №{n}: укажите и начало, и окончание.")
        return data

    def slots(self) -> list[tuple[int, dt.time, dt.time]]:
        v = self.cleaned_data
        return [
            (n, v[f"start_{n}"], v[f"end_{n}"])
            for n in range(1, BELL_ROWS + 1)
            if v.get(f"start_{n}") is not None and v.get(f"end_{n}") is not None
        ]


class ScheduleBreakForm(forms.Form):
    kind = choice(forms.ChoiceField(label="Вид", choices=ScheduleBreak.Kind.choices))
    title = text_field("Название", max_length=200)
    starts_on = date_field("С")
    ends_on = date_field("По")
    class_group_ids = TitleMultipleChoiceField(
        label="Классы",
        queryset=ClassGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ни один не отмечен — вся школа (например, каникулы); "
        "отмечены — только эти классы (например, карантин).",
        error_messages={"invalid_choice": CHOICE, "invalid_pk_value": CHOICE},
    )

    def __init__(self, *args: Any, classes: QuerySet[ClassGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "class_group_ids", classes)
