"""Writes of conversations, reports, announcements and the school's messaging settings (COM-1).

Every service takes the acting user as `by`, checks the rule itself and runs in one
transaction. Who may write to whom is `journal.messaging.policy` (one table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.storage_tx import atomic_with_files
from journal.access import WHOLE_SCHOOL, deny, require_roles, scope_for
from journal.messaging import policy
from journal.messaging.files import attachments_store
from journal.messaging.models import (
    Announcement,
    Message,
    MessageAttachment,
    MessageReport,
    MessagingSettings,
    NotificationEvent,
    NotificationPreference,
    Participant,
    Thread,
)
from journal.roster.models import Consent, GuardianLink
from journal.structure.models import ClassGroup

# A group conversation is small: the sender and at most this many others.
MAX_RECIPIENTS = 10
MAX_BODY = 5000


def messaging_settings() -> MessagingSettings:
    """The school's one settings row (defaults until the administration changes them)."""
    found = MessagingSettings.objects.order_by("id").first()
    return found or MessagingSettings()


def policy_options() -> policy.Options:
    return policy.Options(parent_to_parent=messaging_settings().parent_to_parent)


@transaction.atomic
def messaging_settings_update(
    *,
    parent_to_parent: bool,
    class_chats: bool,
    urgent_kinds: Sequence[str] = (),
    by: Any,
) -> MessagingSettings:
    """The director or a deputy turns parent-to-parent messages and class chats on or off,
    and marks kinds of notification urgent (sent at once, not in the evening's digest)."""
    require_roles(scope_for(by), WHOLE_SCHOOL, "Настройки сообщений меняет администрация школы.")
    unknown = set(urgent_kinds) - set(NotificationEvent.Kind.values)
    if unknown:
        raise ValidationError({"urgent_kinds": ["Неизвестный вид уведомления."]})
    row = MessagingSettings.objects.select_for_update().order_by("id").first()
    row = row or MessagingSettings()
    row.parent_to_parent, row.class_chats, row.updated_by = parent_to_parent, class_chats, by
    row.urgent_kinds = sorted(set(urgent_kinds))
    row.save()
    return row


def _clean_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": ["Напишите текст сообщения."]})
    if len(text) > MAX_BODY:
        raise ValidationError({"body": [f"Сообщение длиннее {MAX_BODY} знаков."]})
    return text


def _post(
    thread: Thread,
    author: Any,
    body: str,
    now: dt.datetime,
    files: Sequence[UploadedFile] = (),
) -> Message:
    message = Message.objects.create(thread=thread, author=author, body=body, sent_at=now)
    if files:
        attachments_store(message, files)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now, last_message_id=message.pk)
    thread.last_message_at, thread.last_message_id = now, message.pk
    # The author has read their own message.
    Participant.objects.filter(thread=thread, user=author).update(
        last_read_id=message.pk, last_read_at=now
    )
    return message


def _direct_thread(a: int, b: int) -> Thread | None:
    return (
        Thread.objects.filter(kind=Thread.Kind.DIRECT, participants__user_id=a)
        .filter(participants__user_id=b)
        .order_by("id")
        .first()
    )


@atomic_with_files()
def thread_start(
    *,
    recipient_ids: Sequence[int],
    subject: str = "",
    body: str,
    files: Sequence[UploadedFile] = (),
    by: Any,
) -> tuple[Thread, Message]:
    """Start a conversation with one person (their existing one-to-one thread is reused) or
    a small group; each recipient must be one the table lets the sender reach (COM-1)."""
    if by.pk in {int(r) for r in recipient_ids}:
        raise deny("Написать самому себе нельзя.")
    ids = list(dict.fromkeys(int(r) for r in recipient_ids))
    if not ids:
        raise ValidationError({"recipient_ids": ["Выберите, кому написать."]})
    if len(ids) > MAX_RECIPIENTS:
        raise ValidationError(
            {"recipient_ids": [f"В групповой переписке не более {MAX_RECIPIENTS} адресатов."]}
        )
    text = _clean_body(body)
    allowed = policy.reachable(by, policy_options())
    if any(r not in allowed for r in ids):
        raise deny("Этому адресату вы написать не можете: правила переписки школы.")
    now = timezone.now()
    thread = _direct_thread(by.pk, ids[0]) if len(ids) == 1 else None
    if thread is None:
        thread = Thread.objects.create(
            kind=Thread.Kind.DIRECT if len(ids) == 1 else Thread.Kind.GROUP,
            subject=(subject or "").strip()[:200],
            created_by=by,
            created_at=now,
            last_message_at=now,
        )
        Participant.objects.bulk_create(
            [Participant(thread=thread, user_id=uid, joined_at=now) for uid in [by.pk, *ids]]
        )
    return thread, _post(thread, by, text, now, files)


def _require_participant(thread: Thread, by: Any) -> Participant:
    found = Participant.objects.filter(thread=thread, user_id=by.pk).first()
    if found is None:
        raise deny("Вы не участвуете в этой переписке.")
    return found


@atomic_with_files()
def message_send(
    *, thread: Thread, body: str, files: Sequence[UploadedFile] = (), by: Any
) -> Message:
    """Answer in a conversation one takes part in (with files, stored per school)."""
    _require_participant(thread, by)
    if thread.kind == Thread.Kind.CLASS and not messaging_settings().class_chats:
        raise deny("Чаты классов в школе выключены.")
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    return _post(locked, by, _clean_body(body), timezone.now(), files)


@transaction.atomic
def thread_mark_read(*, thread: Thread, by: Any) -> Participant:
    """The read receipt: everything in the thread up to its last message is read."""
    me = _require_participant(thread, by)
    last = Thread.objects.filter(pk=thread.pk).values_list("last_message_id", flat=True).get()
    if me.last_read_id < last:
        me.last_read_id, me.last_read_at = last, timezone.now()
        me.save(update_fields=["last_read_id", "last_read_at"])
    return me


@transaction.atomic
def class_chat_open(*, class_group: ClassGroup, by: Any) -> Thread:
    """The class chat (the class teacher and the parents of the class), if the school turned
    class chats on: the class teacher or the administration opens it; reused once open."""
    scope = scope_for(by)
    if not (scope.whole_school or class_group.pk in scope.class_ids):
        raise deny("Чат класса открывает классный руководитель.")
    if not messaging_settings().class_chats:
        raise deny("Чаты классов в школе выключены.")
    existing = Thread.objects.filter(kind=Thread.Kind.CLASS, class_group=class_group).first()
    if existing is not None:
        return existing
    now = timezone.now()
    thread = Thread.objects.create(
        kind=Thread.Kind.CLASS,
        subject=f"Чат {class_group.title} класса",
        class_group=class_group,
        created_by=by,
        created_at=now,
        last_message_at=now,
    )
    consented = Consent.objects.filter(revoked_on__isnull=True).values("pupil_id")
    parents = GuardianLink.objects.filter(
        pupil__class_group=class_group, pupil_id__in=consented
    ).values_list("guardian__user_id", flat=True)
    members = {by.pk, *parents}
    if class_group.class_teacher is not None:
        members.add(class_group.class_teacher.user_id)
    Participant.objects.bulk_create(
        [Participant(thread=thread, user_id=uid, joined_at=now) for uid in sorted(members)]
    )
    return thread


# ---------------------------------------------------------------- reports


@transaction.atomic
def message_report(*, message: Message, reason: str, by: Any) -> MessageReport:
    """A participant reports someone else's message to the administration."""
    _require_participant(message.thread, by)
    if message.author_id == by.pk:
        raise deny("Нельзя пожаловаться на своё сообщение.")
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": ["Укажите причину жалобы."]})
    if MessageReport.objects.filter(message=message, reported_by=by).exists():
        raise ValidationError({"message_id": ["Вы уже пожаловались на это сообщение."]})
    return MessageReport.objects.create(
        message=message, reported_by=by, reason=text[:500], reported_at=timezone.now()
    )


@transaction.atomic
def message_report_resolve(
    *, report: MessageReport, resolution: str, hide: bool, by: Any
) -> MessageReport:
    """The director or a deputy decides on a report; `hide` hides the message for everyone."""
    require_roles(scope_for(by), WHOLE_SCHOOL, "Жалобы рассматривает администрация школы.")
    if report.resolved_at is not None:
        raise ValidationError({"resolution": ["Жалоба уже рассмотрена."]})
    text = (resolution or "").strip()
    if not text:
        raise ValidationError({"resolution": ["Опишите решение."]})
    now = timezone.now()
    report.resolved_by, report.resolved_at, report.resolution = by, now, text[:500]
    report.save(update_fields=["resolved_by", "resolved_at", "resolution"])
    if hide:
        Message.objects.filter(pk=report.message_id, hidden_at__isnull=True).update(hidden_at=now)
    return report


# ---------------------------------------------------------------- announcements


@transaction.atomic
def announcement_create(
    *,
    title: str,
    body: str,
    class_group: ClassGroup | None,
    for_parents: bool,
    for_pupils: bool,
    for_staff: bool,
    publish_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    by: Any,
) -> Announcement:
    """An announcement (COM-1): the administration for the school or any class; a class
    teacher for their own class (to its parents and pupils)."""
    scope = scope_for(by)
    if class_group is None:
        require_roles(scope, WHOLE_SCHOOL, "Объявления для всей школы публикует администрация.")
    elif not (scope.whole_school or class_group.pk in scope.class_ids):
        raise deny("Объявление для класса публикует его классный руководитель.")
    if for_staff and not scope.whole_school:
        raise deny("Объявления для сотрудников публикует администрация.")
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["Укажите заголовок."]
    if not (body or "").strip():
        errors["body"] = ["Напишите текст объявления."]
    if not (for_parents or for_pupils or for_staff):
        errors["for_parents"] = ["Выберите, кому адресовано объявление."]
    start = publish_at or timezone.now()
    if ends_at is not None and ends_at <= start:
        errors["ends_at"] = ["Объявление снимается позже, чем публикуется."]
    if errors:
        raise ValidationError(errors)
    return Announcement.objects.create(
        title=title.strip()[:200],
        body=body.strip(),
        class_group=class_group,
        for_parents=for_parents,
        for_pupils=for_pupils,
        for_staff=for_staff,
        publish_at=start,
        ends_at=ends_at,
        created_by=by,
    )


@transaction.atomic
def announcement_withdraw(*, announcement: Announcement, by: Any) -> Announcement:
    """Take an announcement down now (its author or the administration)."""
    scope = scope_for(by)
    if not (scope.whole_school or announcement.created_by_id == by.pk):
        raise deny("Снять объявление может его автор или администрация.")
    # Not yet published: it ends a moment after its publish time (never shown).
    now = timezone.now()
    start = announcement.publish_at
    announcement.ends_at = now if now > start else start + dt.timedelta(microseconds=1)
    announcement.save(update_fields=["ends_at"])
    return announcement


# ---------------------------------------------------------------- notification preferences


@transaction.atomic
def notification_preferences_set(
    *,
    email_consent: bool,
    email_enabled: bool,
    app_enabled: bool,
    quiet_from: dt.time | None = None,
    quiet_to: dt.time | None = None,
    by: Any,
) -> NotificationPreference:
    """A parent's consent to e-mail notices and their opt-outs (COM-2, SEC-4)."""
    scope = scope_for(by)
    if not scope.child_ids:
        raise deny("Уведомления настраивают родители (законные представители).")
    if email_consent and not (get_user_model().objects.get(pk=by.pk).email or "").strip():
        raise ValidationError({"email_consent": ["Сначала укажите адрес электронной почты."]})
    pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user=by)
    if email_consent and pref.email_consent_at is None:
        pref.email_consent_at = timezone.now()
    elif not email_consent:
        pref.email_consent_at = None
    if (quiet_from is None) != (quiet_to is None):
        raise ValidationError({"quiet_to": ["Укажите начало и конец тихих часов."]})
    pref.email_enabled, pref.app_enabled = email_enabled, app_enabled
    pref.quiet_from, pref.quiet_to = quiet_from, quiet_to
    pref.save()
    return pref


# ---------------------------------------------------------------- retention


def retention_years() -> int:
    """How long conversations are kept: the adopted regulation's `messages_retention_years`,
    else its journals' retention (000 §4.1: 5 years)."""
    from catalog.selectors import current_rules

    rules = current_rules()
    years = getattr(rules, "messages_retention_years", None) or rules.retention_journal_years
    return max(1, int(years))


@transaction.atomic
def messages_purge(*, now: dt.datetime | None = None) -> int:
    """Forget conversations silent for longer than the retention, with their files (removed
    once the transaction commits), and notification events as old. Returns threads removed."""
    moment = now or timezone.now()
    years = retention_years()
    try:
        cutoff = moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        cutoff = moment.replace(year=moment.year - years, day=28)
    old = Thread.objects.filter(last_message_at__lt=cutoff)
    files = list(
        MessageAttachment.objects.filter(message__thread__in=old).values_list("file", flat=True)
    )
    removed = old.count()
    # Reports and participants go with the thread (CASCADE); events with their deliveries.
    old.delete()
    NotificationEvent.objects.filter(occurred_on__lt=cutoff.date()).delete()
    if files:
        transaction.on_commit(lambda: _delete_files(files))
    return removed


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def push_subscription_save(*, endpoint: str, p256dh: str, auth: str, by: Any) -> Any:
    """A parent's browser subscribes to push notifications (COM-2): the endpoint must be a
    push service the outbound allow-list names (FREE-1) and the keys must be the browser's
    P-256 key and 16-byte secret. The same endpoint again replaces its keys."""
    from journal.messaging.models import PushEndpoint
    from journal.messaging.webpush import b64url_decode, endpoint_allowed

    if not scope_for(by).child_ids:
        raise deny("Уведомления настраивают родители (законные представители).")
    errors: dict[str, list[str]] = {}
    if not endpoint.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        errors["endpoint"] = ["Адрес службы push должен начинаться с https://."]
    elif not endpoint_allowed(endpoint):
        errors["endpoint"] = ["Эта служба push не входит в список разрешённых."]
    try:
        key_ok = len(b64url_decode(p256dh)) == 65 and len(b64url_decode(auth)) == 16
    except ValueError:
        key_ok = False
    if not key_ok:
        errors["p256dh"] = ["Ключи подписки браузера неверны."]
    if errors:
        raise ValidationError(errors)
    row, _ = PushEndpoint.objects.update_or_create(
        endpoint=endpoint, defaults={"user": by, "p256dh": p256dh, "auth": auth}
    )
    return row


@transaction.atomic
def push_subscription_remove(*, endpoint: str, by: Any) -> None:
    """A parent turns browser notifications off on one browser: its endpoint is forgotten.
    Only the parent's own endpoint: any other (another parent's, none) is 404."""
    from django.http import Http404

    from journal.messaging.models import PushEndpoint

    deleted, _ = PushEndpoint.objects.filter(endpoint=endpoint, user=by).delete()
    if not deleted:
        raise Http404


# ------------------------------------------------- schedule changes as announcements (SET-1)

_BREAK_WORDS = {
    "quarantine": "Карантин",
    "holiday": "Каникулы",
    "public_holiday": "Праздничный день",
    "other": "Изменение расписания",
}


@transaction.atomic
def schedule_announcements_sync(*, breaks: Sequence[Any], by: Any) -> list[Announcement]:
    """The school's own schedule changes (quarantine, moved holidays: SET-1, 004 §6.6) as
    announcements to the parents and pupils of the classes they stop (the whole school:
    staff too), shown until the change ends; kept in step when an order's new edition cuts
    a change short, and gone with it. The calendar's holidays are known to all: none."""
    from core.russian import date_range

    now = timezone.now()
    kept: list[Announcement] = []
    for change in breaks:
        if change.from_calendar:
            continue
        existing = {a.class_group_id: a for a in Announcement.objects.filter(schedule_break=change)}
        local_end = dt.datetime.combine(change.ends_on + dt.timedelta(days=1), dt.time())
        ends_at = timezone.make_aware(local_end)
        if ends_at <= now:
            Announcement.objects.filter(schedule_break=change).delete()
            continue
        classes: list[ClassGroup | None] = list(
            ClassGroup.objects.filter(id__in=change.class_group_ids).order_by("grade", "letter")
        ) or [None]
        basis = f" Основание: {change.order}." if change.order_id else ""
        for group in classes:
            where = f"в {group.title} классе" if group is not None else "в школе"
            word = _BREAK_WORDS.get(change.kind, "Изменение расписания")
            fields = {
                "title": f"{word} {where}"[:200],
                "body": (
                    f"{change.title}: {date_range(change.starts_on, change.ends_on)} "
                    f"уроков по расписанию {where} нет.{basis}"
                ),
                "for_parents": True,
                "for_pupils": True,
                "for_staff": group is None,
                "ends_at": ends_at,
            }
            row = existing.pop(group.pk if group is not None else None, None)
            if row is None:
                row = Announcement.objects.create(
                    schedule_break=change,
                    class_group=group,
                    publish_at=now,
                    created_by=by,
                    **fields,
                )
            else:
                for name, value in fields.items():
                    setattr(row, name, value)
                row.save(update_fields=[*fields])
            kept.append(row)
        Announcement.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()
    return kept
