"""Notifications to parents (COM-2, DIA-2): events from the register, one digest a day.

- The register's signals (`journal.register.signals`) become `NotificationEvent` rows in
  the same transaction as the marks: a «2», an unexcused absence «Н» (dropped again while
  undelivered if the class teacher later gives a reason), a period/year/exam/final mark.
- Once a day `messaging.digests_send` asks, through the outbox, for one
  `messaging.digest_deliver` task per parent; each sends that parent ONE e-mail with every
  event not yet delivered to them (Django's SMTP backend).
- Idempotent per event × recipient × channel: a `Delivery` row (unique) is written in the
  transaction that sends, and a parent's `Digest` of the day (unique per recipient × day ×
  channel) is sent once; a rerun or a redelivered task finds nothing to send.
- Only to a parent with e-mail consent recorded and e-mail not turned off, and only about
  children whose written consent (SET-5) is in force.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from core.russian import accusative
from journal.messaging.models import (
    Channel,
    Delivery,
    Digest,
    NotificationEvent,
    NotificationPreference,
    PushEndpoint,
)
from journal.roster.models import Consent, GuardianLink

logger = logging.getLogger(__name__)
# Events wait at most this long for a digest (a parent who gave consent late, a failure).
LOOKBACK_DAYS = 7
URGENT_TASK = "messaging.urgent_send"
DAY_BATCH = "day"
KIND_TITLES = dict(NotificationEvent.Kind.choices)
PERIOD_KIND_TITLES = {
    "period": "за период",
    "year": "годовая",
    "exam": "экзаменационная",
    "final": "итоговая",
}


# ---------------------------------------------------------------- events (from the register)


def _event(kind: str, pupil_id: int, day: dt.date, text: str, source: str) -> NotificationEvent:
    return NotificationEvent(
        kind=kind, pupil_id=pupil_id, occurred_on=day, text=text, source=source
    )


def _record(rows: list[NotificationEvent]) -> int:
    """Store new events (a source seen before is skipped); the kinds the school marked
    urgent are asked for at once, through the outbox, in the register's transaction."""
    if not rows:
        return 0
    NotificationEvent.objects.bulk_create(rows, ignore_conflicts=True)
    from journal.messaging.services import messaging_settings

    urgent = set(messaging_settings().urgent_kinds or [])
    if urgent & {r.kind for r in rows}:
        from outbox.services import outbox_enqueue

        fresh = NotificationEvent.objects.filter(
            source__in=[r.source for r in rows], kind__in=urgent
        ).exclude(Exists(Delivery.objects.filter(event_id=OuterRef("pk"))))
        for event_id in fresh.values_list("id", flat=True):
            outbox_enqueue(
                task=URGENT_TASK,
                kwargs={"event_id": event_id},
                key=f"{URGENT_TASK}:{event_id}",
            )
    return len(rows)


def _bad_mark(lesson: Any, pupil_id: int, mark_id: int) -> NotificationEvent:
    subject = lesson.assignment.subject.title
    return _event(
        NotificationEvent.Kind.BAD_MARK,
        pupil_id,
        lesson.date,
        f"Отметка «2» по предмету «{subject}» за урок {lesson.date:%d.%m.%Y}.",
        f"mark:{mark_id}",
    )


def events_from_marks(*, lesson: Any, marks: Iterable[Any]) -> int:
    """A «2» is news for the parents (COM-2)."""
    return _record([_bad_mark(lesson, m.pupil_id, m.pk) for m in marks if m.value == 2])


def events_from_correction(*, mark: Any, new_value: int | None) -> int:
    """A corrected mark: a «2» no longer there is withdrawn while undelivered; a mark
    corrected to «2» is news like a new one."""
    if new_value == 2:
        return _record([_bad_mark(mark.lesson, mark.pupil_id, mark.pk)])
    _withdraw([f"mark:{mark.pk}"])
    return 0


def _withdraw(sources: list[str]) -> None:
    NotificationEvent.objects.filter(source__in=sources).exclude(
        Exists(Delivery.objects.filter(event_id=OuterRef("pk")))
    ).delete()


def events_from_attendance(
    *, lesson: Any, attendance: Iterable[Any], present: Iterable[int] = ()
) -> int:
    """An unexcused absence «Н» is news the same day (000 §3.8); a reason given later, or
    the pupil marked present after all, withdraws the news while it is undelivered."""
    subject = lesson.assignment.subject.title
    rows, withdrawn = [], []
    for a in attendance:
        if a.code == "Н":
            rows.append(
                _event(
                    NotificationEvent.Kind.UNEXCUSED_ABSENCE,
                    a.pupil_id,
                    lesson.date,
                    f"Пропуск без уважительной причины («Н»): «{subject}», "
                    f"{lesson.date:%d.%m.%Y}, {lesson.slot}-й урок.",
                    f"attendance:{lesson.pk}:{a.pupil_id}",
                )
            )
        else:
            withdrawn.append(f"attendance:{lesson.pk}:{a.pupil_id}")
    withdrawn += [f"attendance:{lesson.pk}:{pid}" for pid in present]
    if withdrawn:
        _withdraw(withdrawn)
    return _record(rows)


def events_from_period_mark(*, period_mark: Any) -> int:
    """Period, year, exam and final marks reach the parents within a day (DIA-2)."""
    assignment = period_mark.assignment
    what = PERIOD_KIND_TITLES.get(period_mark.kind, "итоговая")
    if period_mark.kind == "period" and period_mark.period_id:
        what = f"за {period_mark.period.title.lower()}"
    row = _event(
        NotificationEvent.Kind.FINAL_MARK,
        period_mark.pupil_id,
        timezone.localdate(),
        f"Отметка {what} по предмету «{assignment.subject.title}»: {period_mark.value}.",
        f"period_mark:{period_mark.pk}",
    )
    return _record([row])


def events_from_forecasts(*, day: dt.date) -> int:
    """A pupil whose forecast for a running period is the lowest mark of the scale (a «2»)
    is news for the parents (COM-2, 000 §3.8), once per pupil × subject × period. The
    forecast is the register's own (`journal.register.grading`), over effective marks (the
    latest correction of each; an annulled mark counts for nothing)."""
    from catalog.selectors import current_rules
    from journal.register.grading import forecast, shown_average
    from journal.register.models import Mark, MarkCorrection
    from journal.structure.models import ReportingPeriod

    scale = tuple(current_rules().mark_scale)
    lowest = min(scale)
    created = 0
    latest = MarkCorrection.objects.filter(mark_id=OuterRef("pk")).order_by("-corrected_at", "-id")
    for period in ReportingPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day):
        marks = (
            Mark.objects.filter(
                lesson__date__range=(period.starts_on, day),
                lesson__assignment__year_id=period.year_id,
                lesson__assignment__class_group__grade__range=(period.grade_from, period.grade_to),
            )
            .annotate(corrected=Exists(latest), last_value=Subquery(latest.values("new_value")[:1]))
            .values_list(
                "pupil_id",
                "lesson__assignment_id",
                "lesson__assignment__subject__title",
                "value",
                "weight",
                "corrected",
                "last_value",
            )
        )
        cells: dict[tuple[int, int, str], list[tuple[int, int]]] = {}
        for pupil_id, assignment_id, subject, value, weight, corrected, last in marks:
            effective = last if corrected else value
            if effective is not None:
                cells.setdefault((pupil_id, assignment_id, subject), []).append((effective, weight))
        rows = [
            _event(
                NotificationEvent.Kind.FAILING_FORECAST,
                pupil_id,
                day,
                f"Прогноз отметки за {accusative(period.title.lower())} "
                f"по предмету «{subject}»: «{lowest}».",
                f"forecast:{period.pk}:{pupil_id}:{assignment_id}",
            )
            for (pupil_id, assignment_id, subject), values in cells.items()
            if forecast(shown_average(values), scale) == lowest
        ]
        created += _record(rows)
    return created


# ---------------------------------------------------------------- who gets what


def _push_parents() -> QuerySet[Any]:
    """Parents with a browser subscribed to push (subscribing is their consent to it)."""
    subscribed = PushEndpoint.objects.filter(user_id=OuterRef("pk"))
    return get_user_model().objects.filter(Exists(subscribed), is_active=True)


def _parents_for(channel: str) -> QuerySet[Any]:
    return _push_parents() if channel == Channel.PUSH else _email_parents()


def _email_parents() -> QuerySet[Any]:
    """Parents who may get e-mail: consent recorded, e-mail on, an address, active."""
    prefs = NotificationPreference.objects.filter(
        user_id=OuterRef("pk"), email_consent_at__isnull=False, email_enabled=True
    )
    return get_user_model().objects.filter(Exists(prefs), is_active=True).exclude(email="")


def pending_events(*, recipient_id: int, day: dt.date, channel: str) -> QuerySet[NotificationEvent]:
    """Events of the recipient's children (consent in force) up to `day`, not yet delivered
    to them on `channel`."""
    children = GuardianLink.objects.filter(guardian__user_id=recipient_id).values("pupil_id")
    consented = Consent.objects.filter(revoked_on__isnull=True).values("pupil_id")
    return (
        NotificationEvent.objects.filter(
            pupil_id__in=children,
            occurred_on__lte=day,
            occurred_on__gte=day - dt.timedelta(days=LOOKBACK_DAYS),
        )
        .filter(pupil_id__in=consented)
        .exclude(
            Exists(
                Delivery.objects.filter(
                    event_id=OuterRef("pk"), recipient_id=recipient_id, channel=channel
                )
            )
        )
        .select_related("pupil__user")
        .order_by("pupil_id", "occurred_on", "id")
    )


def digest_recipients(*, day: dt.date, channel: str = Channel.EMAIL) -> list[int]:
    """Parents with something to be told on `day` through `channel` (four queries, any
    school size)."""
    links = GuardianLink.objects.filter(guardian__user__in=_parents_for(channel)).values_list(
        "guardian__user_id", "pupil_id"
    )
    children: dict[int, set[int]] = {}
    for user_id, pupil_id in links:
        children.setdefault(pupil_id, set()).add(user_id)
    sent_today = set(
        Digest.objects.filter(
            day=day, channel=channel, batch=DAY_BATCH, state=Digest.State.SENT
        ).values_list("recipient_id", flat=True)
    )
    window = (day - dt.timedelta(days=LOOKBACK_DAYS), day)
    consented = Consent.objects.filter(revoked_on__isnull=True, pupil_id__in=list(children))
    events = NotificationEvent.objects.filter(
        pupil_id__in=consented.values("pupil_id"), occurred_on__range=window
    )
    delivered: dict[int, set[int]] = {}
    for event_id, user_id in Delivery.objects.filter(
        channel=channel, event__occurred_on__range=window
    ).values_list("event_id", "recipient_id"):
        delivered.setdefault(event_id, set()).add(user_id)
    wanted: set[int] = set()
    for event_id, pupil_id in events.values_list("id", "pupil_id"):
        wanted |= children[pupil_id] - delivered.get(event_id, set())
    return sorted(wanted - sent_today)


def digest_text(events: list[NotificationEvent]) -> str:
    lines = ["Здравствуйте!", "", "Новости электронного дневника:"]
    current = None
    for event in events:
        if event.pupil_id != current:
            current = event.pupil_id
            lines += ["", f"{event.pupil.user.full_name}:"]
        lines.append(f"— {event.text}")
    lines += [
        "",
        "Подробности — в электронном дневнике. Отказаться от писем можно в настройках "
        "уведомлений дневника.",
    ]
    return "\n".join(lines)


class DeliveryFailed(OSError):
    """The channel refused or failed; the task retries with backoff."""


class QuietHours(Exception):
    """The recipient asked not to be disturbed now; try again at `until`."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


def quiet_until(pref: NotificationPreference | None, now: dt.datetime) -> dt.datetime | None:
    """The end of the recipient's quiet hours if `now` falls in them (local time), else None.
    A window may wrap past midnight (22:00–07:00)."""
    if pref is None or pref.quiet_from is None or pref.quiet_to is None:
        return None
    local = timezone.localtime(now)
    start, end, t = pref.quiet_from, pref.quiet_to, local.time()
    if start == end:
        return None
    day = local.date()
    if start < end:
        inside, end_day = start <= t < end, day
    else:
        inside = t >= start or t < end
        end_day = day + dt.timedelta(days=1) if t >= start else day
    if not inside:
        return None
    return timezone.make_aware(dt.datetime.combine(end_day, end))


def digest_deliver(
    *,
    recipient_id: int,
    day: dt.date,
    channel: str = Channel.EMAIL,
    event_id: int | None = None,
) -> int:
    """Send the recipient's digest of `day` (or, with `event_id`, that one urgent event)
    once; returns how many events it carried.

    The Delivery rows and the digest's state commit only if the SMTP server accepted the
    message; a failure records the attempt and raises `DeliveryFailed` (the task retries);
    in the recipient's quiet hours nothing is sent and `QuietHours` says until when.
    """
    if channel not in (Channel.EMAIL, Channel.PUSH):
        raise ValueError(f"no sender for channel {channel}")
    batch = DAY_BATCH if event_id is None else f"event:{event_id}"
    try:
        with transaction.atomic():
            digest, _ = Digest.objects.select_for_update().get_or_create(
                recipient_id=recipient_id,
                day=day,
                channel=channel,
                batch=batch,
                defaults={"state": Digest.State.FAILED},
            )
            if digest.state == Digest.State.SENT:
                return 0
            recipient = _parents_for(channel).filter(pk=recipient_id).first()
            if recipient is None:  # consent withdrawn or the channel turned off meanwhile
                return 0
            now = timezone.now()
            pref = NotificationPreference.objects.filter(user_id=recipient_id).first()
            until = quiet_until(pref, now)
            if until is not None:
                raise QuietHours(until)
            pending = pending_events(recipient_id=recipient_id, day=day, channel=channel)
            if event_id is not None:
                pending = pending.filter(pk=event_id)
            events = list(pending)
            if not events:
                return 0
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        event=e,
                        recipient_id=recipient_id,
                        channel=channel,
                        digest=digest,
                        delivered_at=now,
                    )
                    for e in events
                ]
            )
            subject = (
                f"Электронный дневник: новости за {day:%d.%m.%Y}"
                if event_id is None
                else "Электронный дневник: срочное уведомление"
            )
            if channel == Channel.PUSH:
                _push(recipient_id, subject, events)
            else:
                mail = EmailMessage(
                    subject=subject,
                    body=digest_text(events),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[recipient.email],
                )
                mail.send(fail_silently=False)
            digest.state, digest.sent_at = Digest.State.SENT, now
            digest.attempts += 1
            digest.last_error = ""
            digest.save(update_fields=["state", "sent_at", "attempts", "last_error"])
            return len(events)
    except OSError as exc:  # smtplib's errors are OSErrors too
        _record_failure(recipient_id, day, channel, batch, exc)
        raise DeliveryFailed(type(exc).__name__) from exc


def _push(recipient_id: int, title: str, events: list[NotificationEvent]) -> None:
    """One push per registered browser of the recipient; any failure fails the digest. A
    browser the push service says is gone (404/410) is removed, not retried."""
    from journal.messaging.webpush import EndpointGone, push_send

    lines = [f"{e.pupil.user.first_name}: {e.text}" for e in events]
    message = {"title": title, "body": "\n".join(lines)[:1500], "url": "/messages/notifications/"}
    for sub in PushEndpoint.objects.filter(user_id=recipient_id).order_by("id"):
        try:
            push_send(endpoint=sub.endpoint, p256dh=sub.p256dh, auth=sub.auth, message=message)
        except EndpointGone:
            logger.info("push endpoint gone, removed (id %s)", sub.pk)
            sub.delete()


def urgent_recipients(*, event_id: int) -> list[int]:
    """The parents to tell about one urgent event now (e-mail consent, consented child)."""
    event = NotificationEvent.objects.filter(pk=event_id).first()
    if event is None:
        return []
    if not Consent.objects.filter(pupil_id=event.pupil_id, revoked_on__isnull=True).exists():
        return []
    links = GuardianLink.objects.filter(
        pupil_id=event.pupil_id, guardian__user__in=_email_parents()
    )
    return sorted(links.values_list("guardian__user_id", flat=True))


def _record_failure(
    recipient_id: int, day: dt.date, channel: str, batch: str, exc: BaseException
) -> None:
    logger.warning("notification digest not delivered (%s)", type(exc).__name__)
    with transaction.atomic():
        digest, _ = Digest.objects.select_for_update().get_or_create(
            recipient_id=recipient_id,
            day=day,
            channel=channel,
            batch=batch,
            defaults={"state": Digest.State.FAILED},
        )
        digest.attempts += 1
        digest.last_error = type(exc).__name__[:300]
        digest.save(update_fields=["attempts", "last_error"])


# ---------------------------------------------------------------- what the class teacher sees


@dataclass
class ParentDelivery:
    """One parent of a class: may they get e-mail, and how did their last digest go (DIA-4)."""

    pupil: Any
    parent: Any
    consent: bool
    email_enabled: bool
    has_address: bool
    last_digest: Digest | None


def class_delivery_states(*, class_group: Any) -> list[ParentDelivery]:
    """The parents of the class's pupils with their e-mail state and their latest digest:
    three queries, whatever the class's size."""
    links = list(
        GuardianLink.objects.filter(pupil__class_group=class_group)
        .select_related("pupil__user", "guardian__user")
        .order_by("pupil__user__last_name", "pupil__user__first_name", "guardian__user__last_name")
    )
    users = {link.guardian.user_id for link in links}
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=users)}
    latest: dict[int, Digest] = {}
    for digest in Digest.objects.filter(recipient_id__in=users).order_by("recipient_id", "-day"):
        latest.setdefault(digest.recipient_id, digest)
    rows = []
    for link in links:
        pref = prefs.get(link.guardian.user_id)
        rows.append(
            ParentDelivery(
                pupil=link.pupil,
                parent=link.guardian.user,
                consent=bool(pref and pref.email_consent_at),
                email_enabled=bool(pref and pref.email_enabled),
                has_address=bool(link.guardian.user.email),
                last_digest=latest.get(link.guardian.user_id),
            )
        )
    return rows


def recent_events_for(*, user: Any, child_ids: Iterable[int], days: int = 14) -> list[Any]:
    """The in-app channel: the news of the user's children of the last `days` days, newest
    first, unless the parent turned the application's notices off."""
    pref = NotificationPreference.objects.filter(user_id=user.pk).first()
    if pref is not None and not pref.app_enabled:
        return []
    since = timezone.localdate() - dt.timedelta(days=days)
    return list(
        NotificationEvent.objects.filter(pupil_id__in=list(child_ids), occurred_on__gte=since)
        .select_related("pupil__user")
        .order_by("-occurred_on", "-id")[:100]
    )
