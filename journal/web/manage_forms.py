"""Forms of the school administration pages (issue #5): Russian labels and errors.

The forms only parse what was typed; the journal's services decide the rules (unique class,
clashes in the timetable, roles) and their Russian errors are put back on the fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts import roles
from journal.roster.models import Guardian, GuardianLink, Pupil
from journal.structure.models import (
    AcademicYear,
    ClassGroup,
    StaffMember,
    Subgroup,
    Subject,
    TeachingAssignment,
)
from journal.structure.services import STAFF_ROLE_NAMES, WEEKDAYS

CHOICE = "Выберите значение из списка."


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": f"Укажите: {label.lower()}.", "invalid": "Дата: ДД.ММ.ГГГГ."},
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )


def _text(label: str, *, max_length: int = 150, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": f"Укажите: {label.lower()}.",
            "max_length": f"{label}: не длиннее {max_length} символов.",
        },
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.full_name or obj.user.username)


class PersonChoiceField(forms.ModelChoiceField):
    """A pupil or a parent by the user's full name."""

    def label_from_instance(self, obj: Any) -> str:
        group = getattr(obj, "class_group", None) if isinstance(obj, Pupil) else None
        name = str(obj.user.full_name or obj.user.username)
        return f"{name} ({group})" if group else name


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        group = f" ({obj.subgroup.title})" if obj.subgroup_id else ""
        return f"{obj.class_group}{group}, {obj.subject.title} — {obj.teacher}"


def staff_queryset() -> QuerySet[StaffMember]:
    return (
        StaffMember.objects.filter(is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )


def teacher_queryset() -> QuerySet[StaffMember]:
    return staff_queryset().filter(user__groups__name=roles.TEACHER).distinct()


def _choice(field: forms.Field) -> forms.Field:
    field.error_messages.update({"required": CHOICE, "invalid_choice": CHOICE})
    return field


class ClassCreateForm(forms.Form):
    year = _choice(
        forms.ModelChoiceField(label="Учебный год", queryset=AcademicYear.objects.none())
    )
    grade = forms.IntegerField(
        label="Параллель",
        error_messages={"required": "Укажите параллель (1–11).", "invalid": "Параллель — число."},
    )
    letter = _text("Литера", max_length=3)
    class_teacher = _choice(
        StaffChoiceField(
            label="Классный руководитель",
            queryset=StaffMember.objects.none(),
            required=False,
            empty_label="— не назначен —",
        )
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = AcademicYear.objects.order_by("-starts_on")  # type: ignore[attr-defined]
        self.fields["class_teacher"].queryset = teacher_queryset()  # type: ignore[attr-defined]


class ClassTeacherForm(forms.Form):
    class_teacher = _choice(
        StaffChoiceField(
            label="Классный руководитель",
            queryset=StaffMember.objects.none(),
            required=False,
            empty_label="— не назначен —",
        )
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["class_teacher"].queryset = teacher_queryset()  # type: ignore[attr-defined]


class StaffCreateForm(forms.Form):
    last_name = _text("Фамилия")
    first_name = _text("Имя")
    patronymic = _text("Отчество", required=False)
    username = _text("Имя пользователя (логин)")
    email = forms.EmailField(
        label="Эл. почта", required=False, error_messages={"invalid": "Неверный адрес эл. почты."}
    )
    position = _text("Должность", max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label="Роли",
        choices=[(name, roles.SCHOOL_ROLES[name]) for name in STAFF_ROLE_NAMES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Выберите хотя бы одну роль.", "invalid_choice": CHOICE},
    )


class PupilEnrolForm(forms.Form):
    last_name = _text("Фамилия")
    first_name = _text("Имя")
    patronymic = _text("Отчество", required=False)
    birth_date = _date("Дата рождения", required=False)
    class_group = _choice(forms.ModelChoiceField(label="Класс", queryset=ClassGroup.objects.none()))
    enrolled_on = _date("Дата зачисления")
    order_number = _text("Номер приказа о зачислении", max_length=40)

    def __init__(self, *args: Any, classes: QuerySet[ClassGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["class_group"].queryset = classes  # type: ignore[attr-defined]


class GuardianCreateForm(forms.Form):
    last_name = _text("Фамилия")
    first_name = _text("Имя")
    patronymic = _text("Отчество", required=False)
    phone = forms.RegexField(
        label="Телефон",
        regex=r"^\+?[\d\s()-]{5,20}$",
        required=False,
        error_messages={"invalid": "Телефон: цифры, пробелы, скобки и дефисы, 5–20 знаков."},
    )
    email = forms.EmailField(
        label="Эл. почта", required=False, error_messages={"invalid": "Неверный адрес эл. почты."}
    )


class GuardianLinkForm(forms.Form):
    guardian = _choice(PersonChoiceField(label="Родитель", queryset=Guardian.objects.none()))
    pupil = _choice(PersonChoiceField(label="Обучающийся", queryset=Pupil.objects.none()))
    relation = _choice(
        forms.ChoiceField(label="Кем приходится", choices=GuardianLink.Relation.choices)
    )

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = Guardian.objects.select_related("user").order_by(  # type: ignore[attr-defined]
            "user__last_name", "user__first_name", "id"
        )
        self.fields["pupil"].queryset = pupils  # type: ignore[attr-defined]


class AssignmentCreateForm(forms.Form):
    teacher = _choice(StaffChoiceField(label="Учитель", queryset=StaffMember.objects.none()))
    subject = _choice(forms.ModelChoiceField(label="Предмет", queryset=Subject.objects.none()))
    class_group = _choice(forms.ModelChoiceField(label="Класс", queryset=ClassGroup.objects.none()))
    subgroup = _choice(
        forms.ModelChoiceField(
            label="Подгруппа",
            queryset=Subgroup.objects.none(),
            required=False,
            empty_label="— весь класс —",
        )
    )
    weekly_hours = forms.DecimalField(
        label="Часов в неделю",
        max_digits=4,
        decimal_places=1,
        localize=True,
        error_messages={
            "required": "Укажите часы в неделю.",
            "invalid": "Часы в неделю — число, например 4 или 0,5.",
            "max_digits": "Часов в неделю: не больше 12.",
            "max_decimal_places": "Часы: не больше одного знака после запятой.",
        },
    )

    def __init__(self, *args: Any, classes: QuerySet[ClassGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teacher_queryset()  # type: ignore[attr-defined]
        self.fields["subject"].queryset = Subject.objects.order_by("title")  # type: ignore[attr-defined]
        self.fields["class_group"].queryset = classes  # type: ignore[attr-defined]
        self.fields["subgroup"].queryset = Subgroup.objects.filter(  # type: ignore[attr-defined]
            class_group__in=classes
        ).select_related("class_group", "subject")


class TimetableEntryForm(forms.Form):
    assignment = _choice(
        AssignmentChoiceField(label="Нагрузка", queryset=TeachingAssignment.objects.none())
    )
    weekday = forms.TypedChoiceField(
        label="День недели",
        coerce=int,
        choices=[(i, WEEKDAYS[i].capitalize()) for i in range(1, 7)],
        error_messages={"required": CHOICE, "invalid_choice": CHOICE},
    )
    slot = forms.IntegerField(
        label="Урок №",
        min_value=1,
        max_value=12,
        error_messages={
            "required": "Укажите номер урока.",
            "invalid": "Номер урока — число.",
            "min_value": "Номер урока: от 1 до 12.",
            "max_value": "Номер урока: от 1 до 12.",
        },
    )
    room = _text("Кабинет", max_length=20, required=False)

    def __init__(self, *args: Any, assignments: QuerySet[TeachingAssignment], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments  # type: ignore[attr-defined]


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
    starts_on = _date("Начало")
    ends_on = _date("Окончание")
    days_per_week = forms.TypedChoiceField(
        label="Режим работы",
        coerce=int,
        choices=[(5, "Пятидневная неделя"), (6, "Шестидневная неделя")],
        error_messages={"required": CHOICE, "invalid_choice": CHOICE},
    )
    make_current = forms.BooleanField(label="Сделать текущим", required=False, initial=True)


class SubgroupCreateForm(forms.Form):
    subject = _choice(forms.ModelChoiceField(label="Предмет", queryset=Subject.objects.none()))
    title = _text("Название подгруппы", max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.order_by("title")  # type: ignore[attr-defined]
