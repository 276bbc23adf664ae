"""Forms of the messages pages: they parse what was typed; the services decide (COM-1)."""

from __future__ import annotations

from typing import Any

from django import forms

from journal.messaging.models import NotificationEvent
from journal.web.fields import CHOICE, date_field, time_field


def file_field() -> forms.FileField:
    return forms.FileField(
        label="Файл",
        required=False,
        help_text="PDF, изображение, офисный документ или текст",
        error_messages={"invalid": "Не удалось прочитать файл."},
    )


class ComposeForm(forms.Form):
    recipients = forms.TypedMultipleChoiceField(
        label="Кому",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Выберите, кому написать.", "invalid_choice": CHOICE},
    )
    subject = forms.CharField(label="Тема", max_length=200, required=False)
    body = forms.CharField(
        label="Сообщение",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Напишите текст сообщения."},
    )
    file = file_field()

    def __init__(self, *args: Any, contacts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipients"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(c.user_id, f"{c.name} — {c.group}") for c in contacts]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Ответ",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Напишите текст сообщения."},
    )
    file = file_field()


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="Причина жалобы",
        max_length=500,
        error_messages={"required": "Укажите причину жалобы."},
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="Решение", max_length=500, error_messages={"required": "Опишите решение."}
    )
    hide = forms.BooleanField(label="Скрыть сообщение", required=False)


class AnnouncementForm(forms.Form):
    title = forms.CharField(
        label="Заголовок", max_length=200, error_messages={"required": "Укажите заголовок."}
    )
    body = forms.CharField(
        label="Текст",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Напишите текст объявления."},
    )
    class_group = forms.TypedChoiceField(
        label="Для кого", coerce=int, required=False, empty_value=None
    )
    for_parents = forms.BooleanField(label="Родителям", required=False, initial=True)
    for_pupils = forms.BooleanField(label="Обучающимся", required=False, initial=True)
    for_staff = forms.BooleanField(label="Сотрудникам", required=False)
    publish_on = date_field("Опубликовать (дата)", required=False)
    publish_time = time_field("Время публикации")
    ends_on = date_field("Снять с показа (дата)", required=False)

    def __init__(self, *args: Any, classes: list[Any], whole_school: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["class_group"]
        assert isinstance(field, forms.TypedChoiceField)
        head = [("", "Вся школа")] if whole_school else []
        field.choices = head + [(c.pk, f"{c.title} класс") for c in classes]


class MessagingSettingsForm(forms.Form):
    parent_to_parent = forms.BooleanField(
        label="Родители могут писать родителям одноклассников", required=False
    )
    class_chats = forms.BooleanField(label="Чаты классов", required=False)
    urgent_kinds = forms.MultipleChoiceField(
        label="Отправлять сразу, не дожидаясь вечерней сводки",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=NotificationEvent.Kind.choices,
        error_messages={"invalid_choice": CHOICE},
    )


class NotificationPreferencesForm(forms.Form):
    email_consent = forms.BooleanField(
        label="Согласен(на) получать уведомления по электронной почте", required=False
    )
    email_enabled = forms.BooleanField(label="Письма со сводкой за день", required=False)
    app_enabled = forms.BooleanField(label="Уведомления в дневнике", required=False)
    quiet_from = time_field("Не беспокоить с")
    quiet_to = time_field("Не беспокоить до")
