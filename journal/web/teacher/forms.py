"""Forms of the teacher's pages: Russian labels and errors; the journal's services decide."""

from __future__ import annotations

from django import forms
from rest_framework import serializers

from journal.register.models import Lesson
from journal.register.services import DEFAULT_WORK_KIND


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


class LessonSaveInput(serializers.Serializer):
    """What the grid's keyboard entry posts for one lesson (JSON)."""

    class MarkItem(serializers.Serializer):
        pupil_id = serializers.IntegerField()
        value = serializers.IntegerField()

    class AttendanceItem(serializers.Serializer):
        pupil_id = serializers.IntegerField()
        code = serializers.CharField(max_length=1, allow_null=True, allow_blank=True)

    work_kind = serializers.CharField(max_length=32, required=False, default=DEFAULT_WORK_KIND)
    marks = MarkItem(many=True, required=False, default=list)
    attendance = AttendanceItem(many=True, required=False, default=list)
    period_id = serializers.IntegerField(required=False, allow_null=True)
