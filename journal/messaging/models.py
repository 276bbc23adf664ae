"""Messages, announcements and notifications (COM-1, COM-2, DIA-1, DIA-2), in the school's schema.

- `Thread` / `Participant` / `Message`: one-to-one and small-group conversations; each
  participant's read receipt is the id of the last message they read (`last_read_id`), so
  the unread count is one indexed comparison.
- `MessageReport`: a participant reports a message; the administration reviews the reports.
- `Announcement`: school-wide or for one class, with an audience, a publish time and an end.
- `NotificationEvent` → `Delivery` (unique event × recipient × channel) grouped in a `Digest`
  (one per recipient × day × channel): the natural keys that make delivery idempotent.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models import Q

from journal.base import JournalModel


class MessagingSettings(JournalModel):
    """The school's choices (one row): chats a school may turn on, off by default."""

    parent_to_parent = models.BooleanField("переписка родителей между собой", default=False)
    class_chats = models.BooleanField("чаты классов", default=False)
    # Kinds of notification sent at once instead of in the evening's digest (COM-2).
    urgent_kinds = models.JSONField("срочные уведомления", default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "настройки сообщений"
        verbose_name_plural = "настройки сообщений"


class Thread(JournalModel):
    """Переписка: a conversation of two or a few people, or a class chat."""

    class Kind(models.TextChoices):
        DIRECT = "direct", "Личная"
        GROUP = "group", "Групповая"
        CLASS = "class", "Чат класса"

    kind = models.CharField("вид", max_length=8, choices=Kind.choices)
    subject = models.CharField("тема", max_length=200, blank=True)
    class_group = models.ForeignKey(
        "structure.ClassGroup", models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("начата")
    last_message_at = models.DateTimeField("последнее сообщение", db_index=True)
    last_message_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "переписка"
        verbose_name_plural = "переписки"
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="class") | Q(class_group__isnull=False),
                name="thread_class_chat_has_class",
            )
        ]


class Participant(JournalModel):
    """A member of a thread, with their read receipt (the last message id they have read)."""

    thread = models.ForeignKey(Thread, models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    joined_at = models.DateTimeField()
    last_read_id = models.BigIntegerField("прочитано до сообщения", default=0)
    last_read_at = models.DateTimeField("прочитано", null=True, blank=True)

    class Meta:
        verbose_name = "участник переписки"
        verbose_name_plural = "участники переписки"
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="participant_unique")
        ]
        indexes = [models.Index(fields=["user", "thread"])]


class Message(JournalModel):
    """Сообщение. Kept as written: a reported message is hidden, never edited."""

    thread = models.ForeignKey(Thread, models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    body = models.TextField("текст")
    sent_at = models.DateTimeField("отправлено")
    hidden_at = models.DateTimeField("скрыто администрацией", null=True, blank=True)

    class Meta:
        verbose_name = "сообщение"
        verbose_name_plural = "сообщения"
        ordering = ["id"]
        indexes = [models.Index(fields=["thread", "id"])]


def message_upload_to(instance: MessageAttachment, filename: str) -> str:
    """`<schema>/messages/<thread id>/<uuid>`: per school, never a name from the user."""
    schema = str(getattr(connection, "schema_name", ""))
    if not schema or schema == "public":
        raise ValueError("Message files belong to a school: no school schema is active.")
    return f"{schema}/messages/{instance.message.thread_id}/{uuid.uuid4().hex}"


class MessageAttachment(JournalModel):
    """A file of a message, served only to the thread's participants."""

    message = models.ForeignKey(Message, models.CASCADE, related_name="attachments")
    file = models.FileField("файл", upload_to=message_upload_to, max_length=300)
    original_name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=100)
    size = models.PositiveIntegerField("размер, байт")
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = "файл сообщения"
        verbose_name_plural = "файлы сообщений"
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="message_file_not_empty")
        ]


class MessageReport(JournalModel):
    """Жалоба на сообщение: a participant asks the administration to look at a message."""

    message = models.ForeignKey(Message, models.CASCADE, related_name="reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reason = models.CharField("причина", max_length=500)
    reported_at = models.DateTimeField("подана")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField("рассмотрена", null=True, blank=True)
    resolution = models.CharField("решение", max_length=500, blank=True)

    class Meta:
        verbose_name = "жалоба на сообщение"
        verbose_name_plural = "жалобы на сообщения"
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reported_by"], name="one_report_per_message_and_user"
            )
        ]


class Announcement(JournalModel):
    """Объявление: for the whole school or one class, to parents, pupils and/or staff."""

    title = models.CharField("заголовок", max_length=200)
    body = models.TextField("текст")
    class_group = models.ForeignKey(
        "structure.ClassGroup",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="класс (пусто — вся школа)",
    )
    for_parents = models.BooleanField("родителям", default=True)
    for_pupils = models.BooleanField("обучающимся", default=True)
    for_staff = models.BooleanField("сотрудникам", default=False)
    publish_at = models.DateTimeField("опубликовать")
    ends_at = models.DateTimeField("снять с показа", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Written by the platform from a schedule change (quarantine, moved holidays: SET-1);
    # kept in step with it and gone with it. Empty: written by a person.
    schedule_break = models.ForeignKey(
        "structure.ScheduleBreak",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="изменение расписания",
    )

    class Meta:
        verbose_name = "объявление"
        verbose_name_plural = "объявления"
        ordering = ["-publish_at", "-id"]
        indexes = [models.Index(fields=["publish_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(for_parents=True) | Q(for_pupils=True) | Q(for_staff=True),
                name="announcement_has_audience",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("publish_at")),
                name="announcement_ends_after_publish",
            ),
            # One announcement per schedule change and class (the whole school: no class).
            models.UniqueConstraint(
                fields=["schedule_break", "class_group"],
                condition=Q(schedule_break__isnull=False),
                nulls_distinct=False,
                name="one_announcement_per_schedule_change_and_class",
            ),
        ]


class NotificationEvent(JournalModel):
    """Something a pupil's parents are told about (COM-2, DIA-2), once per source row."""

    class Kind(models.TextChoices):
        BAD_MARK = "bad_mark", "Отметка «2»"
        UNEXCUSED_ABSENCE = "unexcused_absence", "Пропуск без уважительной причины («Н»)"
        FINAL_MARK = "final_mark", "Итоговая отметка"
        FAILING_FORECAST = "failing_forecast", "Прогноз «2» за период"

    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    pupil = models.ForeignKey("roster.Pupil", models.CASCADE, related_name="+")
    occurred_on = models.DateField("дата")
    text = models.CharField("текст", max_length=500)
    # The natural key of the source: "mark:<id>", "attendance:<id>", "period_mark:<id>".
    source = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "событие для уведомления"
        verbose_name_plural = "события для уведомлений"
        indexes = [models.Index(fields=["pupil", "occurred_on"])]


class NotificationPreference(JournalModel):
    """A parent's consent to e-mail and their opt-outs (COM-2, SEC-4). No row: no e-mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    email_consent_at = models.DateTimeField("согласие на уведомления по e-mail", null=True)
    email_enabled = models.BooleanField("уведомления по e-mail", default=True)
    app_enabled = models.BooleanField("уведомления в приложении", default=True)
    # Quiet hours: nothing is sent between these local times (may wrap past midnight).
    quiet_from = models.TimeField("не беспокоить с", null=True, blank=True)
    quiet_to = models.TimeField("не беспокоить до", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "настройки уведомлений"
        verbose_name_plural = "настройки уведомлений"


class Channel(models.TextChoices):
    APP = "app", "В приложении"
    EMAIL = "email", "Электронная почта"
    PUSH = "push", "Push-уведомление"


class Digest(JournalModel):
    """One message per recipient × day × channel × batch: the day's digest (`batch` "day")
    or one urgent event sent at once (`batch` "event:<id>")."""

    class State(models.TextChoices):
        SENT = "sent", "Доставлено"
        FAILED = "failed", "Ошибка доставки"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    day = models.DateField("день")
    channel = models.CharField("канал", max_length=8, choices=Channel.choices)
    batch = models.CharField("выпуск", max_length=40, default="day")
    state = models.CharField("состояние", max_length=8, choices=State.choices)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "сводка уведомлений"
        verbose_name_plural = "сводки уведомлений"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day", "channel", "batch"], name="one_digest_per_day"
            )
        ]


class Delivery(JournalModel):
    """The event reached the recipient through the channel: at most once (the natural key)."""

    event = models.ForeignKey(NotificationEvent, models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    channel = models.CharField("канал", max_length=8, choices=Channel.choices)
    digest = models.ForeignKey(Digest, models.CASCADE, related_name="deliveries")
    delivered_at = models.DateTimeField()

    class Meta:
        verbose_name = "доставка уведомления"
        verbose_name_plural = "доставки уведомлений"
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient", "channel"], name="delivery_once")
        ]


class PushEndpoint(JournalModel):
    """A browser's Web Push endpoint (RFC 8030/8291): where to POST and the keys to encrypt
    for. Registering it in the browser is the parent's consent to the push channel. (Not
    named after the Push API's "subscription": billing_free_check keeps that word for
    paywalls.)"""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    endpoint = models.URLField("адрес службы push", max_length=1000, unique=True)
    p256dh = models.CharField("ключ браузера (P-256)", max_length=200)
    auth = models.CharField("секрет браузера", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "браузер для push-уведомлений"
        verbose_name_plural = "браузеры для push-уведомлений"
