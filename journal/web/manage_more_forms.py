"""Forms of the remaining administration pages (issue #5): bells, holidays and schedule
changes, pupil movement and consent. Russian labels and errors; the journal's services decide
the rules and their errors are put back on the fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from journal.roster.models import Guardian, Movement
from journal.structure.models import ClassGroup, ScheduleBreak
from journal.web.manage_forms import CHOICE, PersonChoiceField, _choice, _date, _text

BELL_ROWS = 10
MOVE_KINDS = (Movement.Kind.MOVED, Movement.Kind.TRANSFERRED_OUT, Movement.Kind.WITHDRAWN)


def _time(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M"],
        error_messages={"invalid": "Время: ЧЧ:ММ."},
    )


class BellScheduleForm(forms.Form):
    """Up to ten lessons: start and end of each; an empty row is no lesson."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, BELL_ROWS + 1):
            self.fields[f"start_{n}"] = _time(f"Урок №{n}: начало")
            self.fields[f"end_{n}"] = _time(f"Урок №{n}: окончание")

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


class ClassesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class ScheduleBreakForm(forms.Form):
    kind = _choice(forms.ChoiceField(label="Вид", choices=ScheduleBreak.Kind.choices))
    title = _text("Название", max_length=200)
    starts_on = _date("С")
    ends_on = _date("По")
    class_group_ids = ClassesField(
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
        self.fields["class_group_ids"].queryset = classes  # type: ignore[attr-defined]


class MovementForm(forms.Form):
    kind = _choice(
        forms.ChoiceField(label="Вид движения", choices=[(k.value, k.label) for k in MOVE_KINDS])
    )
    on_date = _date("Дата")
    order_number = _text("Номер приказа", max_length=40)
    class_to = _choice(
        forms.ModelChoiceField(
            label="В класс",
            queryset=ClassGroup.objects.none(),
            required=False,
            empty_label="— только для перевода в другой класс —",
        )
    )
    other_school = _text("Школа, в которую выбыл", max_length=300, required=False)

    def __init__(self, *args: Any, classes: QuerySet[ClassGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["class_to"].queryset = classes  # type: ignore[attr-defined]


class ConsentForm(forms.Form):
    signed_on = _date("Дата согласия")
    scan_reference = _text("Скан (ссылка или номер согласия)", max_length=300)
    guardian = _choice(
        PersonChoiceField(
            label="Родитель (законный представитель)",
            queryset=Guardian.objects.none(),
            required=False,
            empty_label="— не указан —",
        )
    )

    def __init__(self, *args: Any, guardians: QuerySet[Guardian], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians  # type: ignore[attr-defined]


class PeriodDatesForm(forms.Form):
    """The dates of one reporting period (SET-1); one form per period, prefixed by its id."""

    starts_on = _date("Начало периода")
    ends_on = _date("Окончание периода")


class ConsentRevokeForm(forms.Form):
    """The parent's written withdrawal of the consent (SET-5)."""

    revoked_on = _date("Дата отзыва")
    reason = _text("Основание (заявление родителя: дата, номер)", max_length=300)
