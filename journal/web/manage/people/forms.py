"""Forms of the people pages: enrolment, parents and their links, movement by order and
consent (SET-4, SET-5). Russian labels and errors; the roster's services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from journal.roster.models import Guardian, GuardianLink, Movement, Pupil
from journal.structure.models import ClassGroup
from journal.web.fields import PersonChoiceField, choice, date_field, set_queryset, text_field

MOVE_KINDS = (Movement.Kind.MOVED, Movement.Kind.TRANSFERRED_OUT, Movement.Kind.WITHDRAWN)


class PupilEnrolForm(forms.Form):
    last_name = text_field("Фамилия")
    first_name = text_field("Имя")
    patronymic = text_field("Отчество", required=False)
    birth_date = date_field("Дата рождения", required=False)
    class_group = choice(forms.ModelChoiceField(label="Класс", queryset=ClassGroup.objects.none()))
    enrolled_on = date_field("Дата зачисления")
    order_number = text_field("Номер приказа о зачислении", max_length=40)

    def __init__(self, *args: Any, classes: QuerySet[ClassGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "class_group", classes)


class GuardianCreateForm(forms.Form):
    last_name = text_field("Фамилия")
    first_name = text_field("Имя")
    patronymic = text_field("Отчество", required=False)
    phone = forms.RegexField(
        label="Телефон",
        regex=r"^\+?[\d\s()-]{5,20}$",
        required=False,
        error_messages={"invalid": "Телефон: цифры, пробелы, скобки и дефисы, 5–20 знаков."},
    )
    email = forms.EmailField(
        label="Эл. почта", required=False, error_messages={"invalid": "Неверный адрес эл. почты."}
    )
    declined_electronic_access = forms.BooleanField(
        label="Отказался от электронного доступа: получает распечатку (DIA-3)", required=False
    )


class GuardianLinkForm(forms.Form):
    guardian = choice(PersonChoiceField(label="Родитель", queryset=Guardian.objects.none()))
    pupil = choice(PersonChoiceField(label="Обучающийся", queryset=Pupil.objects.none()))
    relation = choice(
        forms.ChoiceField(label="Кем приходится", choices=GuardianLink.Relation.choices)
    )

    def __init__(
        self, *args: Any, guardians: QuerySet[Guardian], pupils: QuerySet[Pupil], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "guardian", guardians)
        set_queryset(self, "pupil", pupils)


class MovementForm(forms.Form):
    kind = choice(
        forms.ChoiceField(label="Вид движения", choices=[(k.value, k.label) for k in MOVE_KINDS])
    )
    on_date = date_field("Дата")
    order_number = text_field("Номер приказа", max_length=40)
    class_to = choice(
        forms.ModelChoiceField(
            label="В класс",
            queryset=ClassGroup.objects.none(),
            required=False,
            empty_label="— только для перевода в другой класс —",
        )
    )
    other_school = text_field("Школа, в которую выбыл", max_length=300, required=False)

    def __init__(self, *args: Any, classes: QuerySet[ClassGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "class_to", classes)


class ConsentForm(forms.Form):
    signed_on = date_field("Дата согласия")
    scan_reference = text_field("Скан (ссылка или номер согласия)", max_length=300)
    guardian = choice(
        PersonChoiceField(
            label="Родитель (законный представитель)",
            queryset=Guardian.objects.none(),
            required=False,
            empty_label="— не указан —",
        )
    )

    def __init__(self, *args: Any, guardians: QuerySet[Guardian], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "guardian", guardians)


class ConsentRevokeForm(forms.Form):
    """The parent's written withdrawal of the consent (SET-5)."""

    revoked_on = date_field("Дата отзыва")
    reason = text_field("Основание (заявление родителя: дата, номер)", max_length=300)
