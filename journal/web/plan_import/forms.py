"""The КТП upload form (PLAN-2): Russian labels and errors; the planning service decides."""

from __future__ import annotations

from typing import Any

from django import forms


class PlanImportForm(forms.Form):
    assignment = forms.TypedChoiceField(label="Нагрузка (класс, предмет)", coerce=int)
    file = forms.FileField(
        label="Файл КТП (XLSX или CSV)",
        help_text="Столбцы: №, тема, часы, дата (ДД.ММ.ГГГГ); первая строка — заголовок.",
        error_messages={"required": "Выберите файл КТП."},
    )

    def __init__(self, *args: Any, assignments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— выберите —")] + [
            (
                a.pk,
                f"{a.class_group.title}{' (' + a.subgroup.title + ')' if a.subgroup else ''}"
                f", {a.subject.title} — {a.teacher.user.full_name}",
            )
            for a in assignments
        ]
        field.error_messages["required"] = "Выберите нагрузку."

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError("Файл КТП больше 2 МБ.")
        return upload
