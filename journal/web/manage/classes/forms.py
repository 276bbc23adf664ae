"""Forms of the classes pages: a new class, its class teacher, subgroups and their split."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from journal.structure.models import AcademicYear, StaffMember, Subject
from journal.web.fields import StaffChoiceField, choice, set_queryset, text_field
from journal.web.manage.staff.selectors import teacher_choices

SPLIT_PREFIX = "pupil_"


def class_teacher_field() -> forms.Field:
    return choice(
        StaffChoiceField(
            label="Классный руководитель",
            queryset=StaffMember.objects.none(),
            required=False,
            empty_label="— не назначен —",
        )
    )


class ClassCreateForm(forms.Form):
    year = choice(forms.ModelChoiceField(label="Учебный год", queryset=AcademicYear.objects.none()))
    grade = forms.IntegerField(
        label="Параллель",
        error_messages={"required": "Укажите параллель (1–11).", "invalid": "Параллель — число."},
    )
    letter = text_field("Литера", max_length=3)
    class_teacher = class_teacher_field()

    def __init__(self, *args: Any, years: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "year", years)
        set_queryset(self, "class_teacher", teacher_choices())


class ClassTeacherForm(forms.Form):
    class_teacher = class_teacher_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "class_teacher", teacher_choices())


class SubgroupCreateForm(forms.Form):
    subject = choice(forms.ModelChoiceField(label="Предмет", queryset=Subject.objects.none()))
    title = text_field("Название подгруппы", max_length=60)

    def __init__(self, *args: Any, subjects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "subject", subjects)


class SubgroupSplitForm(forms.Form):
    """The split of one subject of a class (SET-2): `pupil_<id>` names the pupil's subgroup
    (empty: not chosen). Cleaned: `members`, subgroup id -> pupil ids; the service checks
    that every pupil of the class is in exactly one subgroup."""

    def __init__(self, data: Any, *, subgroup_ids: set[int]) -> None:
        super().__init__(data)
        self.subgroup_ids = subgroup_ids

    def chosen(self, pupil_id: int) -> int | None:
        raw = str(self.data.get(f"{SPLIT_PREFIX}{pupil_id}", ""))
        return int(raw) if raw.isdigit() else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        members: dict[int, list[int]] = {pk: [] for pk in self.subgroup_ids}
        problems: list[str] = []
        for key in self.data:
            raw = str(self.data.get(key, ""))
            if not key.startswith(SPLIT_PREFIX) or not raw:
                continue
            pupil_id = key.removeprefix(SPLIT_PREFIX)
            if not (pupil_id.isdigit() and raw.isdigit() and int(raw) in self.subgroup_ids):
                problems.append("Выберите подгруппу из списка.")
                continue
            members[int(raw)].append(int(pupil_id))
        if problems:
            raise ValidationError(problems)
        data["members"] = members
        return data

    def problems(self) -> list[str]:
        return [str(e) for errors in self.errors.values() for e in errors]
