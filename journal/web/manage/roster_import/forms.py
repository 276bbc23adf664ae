"""The roster upload form (SET-6): Russian labels and errors; the import service decides."""

from __future__ import annotations

from typing import Any

from django import forms

MAX_SIZE = 5 * 1024 * 1024


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label="Файл со списками (XLSX или CSV)",
        help_text=(
            "Первая строка — заголовки из шаблона. В XLSX — по листу на список: сотрудники, "
            "классы, ученики и родители; в CSV (разделитель «;» или «,») — один список."
        ),
        error_messages={"required": "Выберите файл со списками."},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SIZE:
            raise forms.ValidationError("Файл больше 5 МБ: разделите списки на несколько файлов.")
        return upload
