"""Reads of conversations, reports and announcements, filtered by the acting user (COM-1).

A thread is read only by its participants: any other id — of another school, of a thread
one does not take part in, of nothing — is 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from journal.access import deny, scope_for
from journal.messaging import policy
from journal.messaging.models import (
    Announcement,
    Message,
    MessageAttachment,
    MessageReport,
    NotificationPreference,
    Participant,
    Thread,
)
from journal.messaging.services import messaging_settings, policy_options
from journal.roster.models import Pupil


@dataclass
class InboxRow:
    thread: Thread
    unread: int
    last_body: str
    others: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.thread.subject or ", ".join(self.others) or "Переписка"


def _unread_q() -> Any:
    """Messages of the participant's thread after their read receipt, not their own, shown."""
    return (
        Message.objects.filter(
            thread_id=OuterRef("thread_id"),
            id__gt=OuterRef("last_read_id"),
            hidden_at__isnull=True,
        )
        .exclude(author_id=OuterRef("user_id"))
        .order_by()
        .values("thread_id")
        .annotate(n=Count("id"))
        .values("n")
    )


def inbox(*, for_user: Any, search: str = "") -> list[InboxRow]:
    """The user's conversations, newest first, with unread counts: two queries, however
    many threads (the rows, then the other participants' names)."""
    last_body = (
        Message.objects.filter(thread_id=OuterRef("thread_id"), hidden_at__isnull=True)
        .order_by("-id")
        .values("body")[:1]
    )
    rows = (
        Participant.objects.filter(user_id=for_user.pk)
        .select_related("thread")
        .annotate(unread=Coalesce(Subquery(_unread_q()), 0), last_body=Subquery(last_body))
        .order_by("-thread__last_message_at", "-thread_id")
    )
    if search.strip():
        term = search.strip()
        rows = rows.filter(
            Q(thread__subject__icontains=term)
            | Q(thread__messages__body__icontains=term, thread__messages__hidden_at__isnull=True)
        ).distinct()
    found = [
        InboxRow(thread=p.thread, unread=p.unread, last_body=(p.last_body or "")[:140])
        for p in rows[:200]
    ]
    by_thread = {row.thread.pk: row for row in found}
    others = (
        Participant.objects.filter(thread_id__in=list(by_thread))
        .exclude(user_id=for_user.pk)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )
    for p in others:
        by_thread[p.thread_id].others.append(p.user.full_name or p.user.username)
    return found


def unread_total(*, for_user: Any) -> int:
    """Unread messages in all the user's conversations (the menu's badge): one query."""
    if not getattr(for_user, "is_authenticated", False):
        return 0
    total = (
        Message.objects.filter(
            thread__participants__user_id=for_user.pk,
            id__gt=F("thread__participants__last_read_id"),
            hidden_at__isnull=True,
        )
        .exclude(author_id=for_user.pk)
        .count()
    )
    return int(total)


def thread_get(*, thread_id: int, for_user: Any) -> Thread:
    """A thread the user takes part in; 404 otherwise (another school's id included)."""
    thread = Thread.objects.filter(pk=thread_id, participants__user_id=for_user.pk).first()
    if thread is None:
        raise Http404
    return thread


def thread_messages(*, thread: Thread, for_user: Any) -> list[Message]:
    """The thread's messages, oldest first; a hidden one keeps its place without its text."""
    thread_get(thread_id=thread.pk, for_user=for_user)
    return list(Message.objects.filter(thread=thread).select_related("author").order_by("id")[:500])


def thread_participants(*, thread: Thread) -> list[Participant]:
    return list(
        Participant.objects.filter(thread=thread).select_related("user").order_by("joined_at", "id")
    )


def message_for_participant(*, message_id: int, for_user: Any) -> Message:
    """A message of a thread the user takes part in (to report it); 404 otherwise."""
    message = (
        Message.objects.filter(pk=message_id, thread__participants__user_id=for_user.pk)
        .select_related("thread")
        .first()
    )
    if message is None:
        raise Http404
    return message


def message_attachment_for_reading(
    *, message_id: int, attachment_id: int, for_user: Any
) -> MessageAttachment:
    """A file of a message the user may read (a participant; not hidden); 404 otherwise."""
    found = (
        MessageAttachment.objects.filter(
            pk=attachment_id,
            message_id=message_id,
            message__hidden_at__isnull=True,
            message__thread__participants__user_id=for_user.pk,
        )
        .select_related("message")
        .first()
    )
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class Contact:
    user_id: int
    name: str
    group: str


def contact_list(*, for_user: Any) -> list[Contact]:
    """Everyone the user may start a conversation with (the table in `policy`)."""
    reach = policy.reachable(for_user, policy_options())
    users = get_user_model().objects.filter(id__in=list(reach)).order_by("last_name", "first_name")
    return [Contact(u.pk, u.full_name or u.username, reach[u.pk]) for u in users]


def _require_heads(for_user: Any) -> None:
    if not scope_for(for_user).whole_school:
        raise deny("Жалобы на сообщения рассматривает администрация школы.")


def report_list(*, for_user: Any, open_only: bool = False) -> QuerySet[MessageReport]:
    """Reported messages, for the director and deputies only."""
    _require_heads(for_user)
    qs = MessageReport.objects.select_related(
        "message", "message__author", "reported_by", "resolved_by"
    )
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.order_by("resolved_at", "-reported_at", "-id")


def report_get(*, report_id: int, for_user: Any) -> MessageReport:
    _require_heads(for_user)
    found = report_list(for_user=for_user).filter(pk=report_id).first()
    if found is None:
        raise Http404
    return found


def announcements_for(*, for_user: Any, at: dt.datetime | None = None) -> list[Announcement]:
    """The announcements in force for the user now: staff see the staff's; parents those of
    their children's classes and the school's; pupils those of their own class and the
    school's (DIA-1). Two queries (the scope, the list)."""
    scope = scope_for(for_user)
    now = at or timezone.now()
    live = Announcement.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now), publish_at__lte=now
    )
    school_wide = Q(class_group__isnull=True)
    audience = Q(pk__in=[])
    if scope.is_staff:
        audience |= Q(for_staff=True)
    if scope.child_ids:
        classes = Pupil.objects.filter(id__in=scope.child_ids).values("class_group_id")
        audience |= Q(for_parents=True) & (school_wide | Q(class_group_id__in=classes))
    if scope.self_pupil_ids:
        classes = Pupil.objects.filter(id__in=scope.self_pupil_ids).values("class_group_id")
        audience |= Q(for_pupils=True) & (school_wide | Q(class_group_id__in=classes))
    found = live.filter(audience).select_related("class_group").order_by("-publish_at", "-id")
    return list(found[:50])


def announcements_managed(*, for_user: Any) -> QuerySet[Announcement]:
    """What the user may publish and withdraw: everything for the heads, their own otherwise."""
    scope = scope_for(for_user)
    qs = Announcement.objects.select_related("class_group", "created_by")
    if scope.whole_school:
        return qs
    if not scope.class_ids:
        return qs.none()
    return qs.filter(created_by_id=for_user.pk)


def announcement_for_withdrawal(*, announcement_id: int, for_user: Any) -> Announcement:
    found = announcements_managed(for_user=for_user).filter(pk=announcement_id).first()
    if found is None:
        raise Http404
    return found


def recipients_or_404(*, user_ids: list[int]) -> list[int]:
    """The ids, if every one is a user of this school: an id of nothing here (another
    school's user included) is 404, never a hint about who exists elsewhere."""
    wanted = {int(i) for i in user_ids}
    here = set(get_user_model().objects.filter(id__in=wanted).values_list("id", flat=True))
    if wanted - here:
        raise Http404
    return [int(i) for i in user_ids]


def notification_preferences(*, for_user: Any) -> NotificationPreference:
    """A parent's own settings; nobody else has any (404)."""
    if not scope_for(for_user).child_ids:
        raise Http404
    found = NotificationPreference.objects.filter(user_id=for_user.pk).first()
    return found or NotificationPreference(user_id=for_user.pk, email_consent_at=None)


def class_chats_enabled() -> bool:
    return messaging_settings().class_chats


def class_deliveries(*, class_group_id: int, for_user: Any) -> tuple[Any, list[Any]]:
    """The class and its parents' notification state (DIA-4): the class teacher of the
    class and the heads only; any other class id is 404."""
    from journal.messaging.notifications import class_delivery_states
    from journal.structure.models import ClassGroup

    scope = scope_for(for_user)
    group = ClassGroup.objects.filter(pk=class_group_id).first()
    if group is None or not (scope.whole_school or group.pk in scope.class_ids):
        raise Http404
    return group, class_delivery_states(class_group=group)


def notifications_for(*, for_user: Any) -> list[Any]:
    """The in-app notices of a parent's children (consent in force: the scope's children)."""
    from journal.messaging.notifications import recent_events_for

    scope = scope_for(for_user)
    return recent_events_for(user=for_user, child_ids=scope.child_ids)


def push_public_key() -> str:
    """The VAPID key browsers subscribe with; empty when the school has no push (COM-2)."""
    from django.conf import settings

    from journal.messaging.webpush import vapid_public_key

    return vapid_public_key() if settings.WEBPUSH_VAPID_PRIVATE_KEY else ""
