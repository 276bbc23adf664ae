"""Forms of the school's pages: Russian labels and errors; services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

from core.errors import ApplicationError
from journal.register.models import Attendance, Lesson


def apply_service_errors(form: forms.Form, exc: ValidationError | ApplicationError) -> None:
    """Put a service's Russian errors on the form's fields (or on the form itself)."""
    if isinstance(exc, ApplicationError):
        form.add_error(None, exc.message)
        for name, messages in exc.field_errors.items():
            if name in form.fields and not form.has_error(name):
                form.add_error(name, messages)
        return
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class LessonForm(forms.Form):
    topic = forms.CharField(label="Тема урока", max_length=500, required=False)
    kind = forms.ChoiceField(label="Вид урока", choices=Lesson.Kind.choices)
    work_topic = forms.CharField(
        label="Тема практической, лабораторной или контрольной работы",
        max_length=500,
        required=False,
    )
    homework = forms.CharField(
        label="Домашнее задание",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HomeworkFileForm(forms.Form):
    file = forms.FileField(
        label="Файл к домашнему заданию",
        help_text="PDF, изображение, документ Word/Excel/PowerPoint/OpenDocument, RTF или текст.",
        error_messages={"required": "Выберите файл.", "empty": "Файл пустой."},
    )


class CorrectionForm(forms.Form):
    new_value = forms.TypedChoiceField(
        label="Новая отметка",
        coerce=lambda v: int(v) if v else None,
        empty_value=None,
        choices=[("", "аннулировать"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")],
        required=False,
    )
    reason = forms.CharField(label="Причина исправления", max_length=500, required=False)


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


class AttendanceReasonForm(forms.Form):
    code = forms.ChoiceField(
        label="Причина",
        choices=[
            (Attendance.Code.ILL, "Б — болезнь"),
            (Attendance.Code.EXCUSED, "У — уважительная"),
            (Attendance.Code.UNEXCUSED, "Н — неуважительная"),
        ],
    )
    note = forms.CharField(label="Основание (справка, заявление)", max_length=300, required=False)


class LessonSaveInput(serializers.Serializer):
    """What the grid's keyboard entry posts for one lesson (JSON)."""

    class MarkItem(serializers.Serializer):
        pupil_id = serializers.IntegerField()
        value = serializers.IntegerField()

    class AttendanceItem(serializers.Serializer):
        pupil_id = serializers.IntegerField()
        code = serializers.CharField(max_length=1, allow_null=True, allow_blank=True)

    work_kind = serializers.CharField(max_length=32, required=False, default="oral")
    marks = MarkItem(many=True, required=False, default=list)
    attendance = AttendanceItem(many=True, required=False, default=list)
    period_id = serializers.IntegerField(required=False, allow_null=True)
