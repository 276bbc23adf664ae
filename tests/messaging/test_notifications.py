"""COM-2, DIA-2: a «2» and an «Н» for one pupil reach each parent with e-mail consent as ONE
digest, received by a real SMTP server started by the test; none for a parent who opted out,
none before consent; running the task again sends nothing twice (per event × recipient ×
channel). The register announces; messaging records and delivers (no import the other way).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from journal.messaging import services
from journal.messaging.models import Delivery, Digest, NotificationEvent
from journal.messaging.notifications import digest_recipients
from journal.messaging.tasks import digest_deliver, digest_key, digests_send
from journal.register import services as reg
from journal.register.models import Attendance
from journal.roster import services as roster
from outbox.models import OutboxMessage
from tests.messaging.smtp_peer import SmtpPeer, smtp_peer
from tests.world import World

SCHOOL1 = {"_schema_name": "school1"}


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpPeer]:
    with smtp_peer() as peer:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = peer.host, peer.port
        settings.EMAIL_TIMEOUT = 5
        yield peer


def _family(world: World) -> dict[str, Any]:
    """The 5А pupil's mother (consent to e-mail), father (consent, then opted out) and a
    grandmother (no consent yet); all with addresses."""
    boss = world.users["director"]
    pupil = world.pupils[0]
    mother = world.users["parent"]
    mother.email = "mother@example.test"
    mother.save(update_fields=["email"])
    father = roster.guardian_create(
        last_name="Родителев", first_name="Пётр", email="father@example.test", by=boss
    )
    roster.guardian_link_create(guardian=father, pupil=pupil, relation="father", by=boss)
    granny = roster.guardian_create(
        last_name="Бабушкина", first_name="Вера", email="granny@example.test", by=boss
    )
    roster.guardian_link_create(guardian=granny, pupil=pupil, relation="guardian", by=boss)
    services.notification_preferences_set(
        email_consent=True, email_enabled=True, app_enabled=True, by=mother
    )
    services.notification_preferences_set(
        email_consent=True, email_enabled=False, app_enabled=True, by=father.user
    )
    return {"mother": mother, "father": father.user, "granny": granny.user, "pupil": pupil}


def _bad_day(world: World) -> None:
    """A «2» and an unexcused absence for the 5А pupil today; a «5» that is no news."""
    teacher, pupil = world.users["teacher"], world.pupils[0]
    reg.marks_save(
        lesson=world.lesson_today,
        marks=[reg.MarkInput(pupil.pk, 2, "test"), reg.MarkInput(world.pupils[1].pk, 5, "oral")],
        by=teacher,
    )
    reg.attendance_save(
        lesson=world.lesson_today, entries=[reg.AttendanceInput(pupil.pk, "Н")], by=teacher
    )


def test_one_digest_per_consenting_parent_none_for_opted_out_nothing_twice_com2(
    world: World, smtp: SmtpPeer
) -> None:
    with schema_context("school1"):
        family = _family(world)
        _bad_day(world)
        kinds = sorted(NotificationEvent.objects.values_list("kind", flat=True))
        assert kinds == ["bad_mark", "unexcused_absence"]
        today = timezone.localdate()
        assert digest_recipients(day=today) == [family["mother"].pk]
        for rid in (family["mother"].pk, family["father"].pk, family["granny"].pk):
            digest_deliver.apply(
                kwargs={"recipient_id": rid, "day": today.isoformat()}, headers=SCHOOL1
            ).get()
    assert [m.rcpt_to for m in smtp.received] == [["mother@example.test"]]
    text = smtp.received[0].text
    assert "Отметка «2» по предмету «Математика»" in text
    assert "Пропуск без уважительной причины («Н»)" in text
    assert "Ученик00" in text  # the child's name, and only to the child's own parent
    assert "новости за" in str(smtp.received[0].message["Subject"])
    with schema_context("school1"):
        # Again, by the daily task and by a redelivered copy: nothing more is sent.
        assert digests_send.apply(kwargs={"day": today.isoformat()}, headers=SCHOOL1).get() == 0
        result = digest_deliver.apply(
            kwargs={"recipient_id": family["mother"].pk, "day": today.isoformat()},
            headers=SCHOOL1,
        )
        assert result.get() == 0
        assert Delivery.objects.filter(recipient=family["mother"]).count() == 2
        assert Digest.objects.get(recipient=family["mother"]).state == "sent"
    assert len(smtp.received) == 1


def test_no_digest_before_consent_then_the_waiting_events_go_com2(
    world: World, smtp: SmtpPeer
) -> None:
    with schema_context("school1"):
        family = _family(world)
        _bad_day(world)
        granny = family["granny"]
        today = timezone.localdate()
        assert granny.pk not in digest_recipients(day=today)
        digest_deliver.apply(
            kwargs={"recipient_id": granny.pk, "day": today.isoformat()}, headers=SCHOOL1
        ).get()
        assert smtp.received == []
        services.notification_preferences_set(
            email_consent=True, email_enabled=True, app_enabled=True, by=granny
        )
        # The day's digest of the one already told is done; the new consenter gets hers.
        Digest.objects.filter(recipient=granny).delete()
        assert granny.pk in digest_recipients(day=today)
        digest_deliver.apply(
            kwargs={"recipient_id": granny.pk, "day": today.isoformat()}, headers=SCHOOL1
        ).get()
    assert [m.rcpt_to for m in smtp.received] == [["granny@example.test"]]


def test_a_reason_given_later_withdraws_the_absence_before_the_digest(
    world: World, smtp: SmtpPeer
) -> None:
    with schema_context("school1"):
        family = _family(world)
        _bad_day(world)
        reg.attendance_reason_set(
            attendance=Attendance.objects.get(lesson=world.lesson_today, pupil=family["pupil"]),
            code="Б",
            note="справка",
            by=world.users["class_teacher"],
        )
        assert list(NotificationEvent.objects.values_list("kind", flat=True)) == ["bad_mark"]
        today = timezone.localdate()
        digest_deliver.apply(
            kwargs={"recipient_id": family["mother"].pk, "day": today.isoformat()},
            headers=SCHOOL1,
        ).get()
    assert "Пропуск" not in smtp.received[0].text


def test_the_daily_task_asks_for_one_digest_per_parent_through_the_outbox(
    world: World, smtp: SmtpPeer
) -> None:
    with schema_context("school1"):
        family = _family(world)
        _bad_day(world)
        today = timezone.localdate()
        assert digests_send.apply(kwargs={"day": today.isoformat()}, headers=SCHOOL1).get() == 1
        key = digest_key(day=today, recipient_id=family["mother"].pk, channel="email")
        message = OutboxMessage.objects.get(key=key)
        assert message.task == "messaging.digest_deliver"
        assert message.kwargs == {
            "recipient_id": family["mother"].pk,
            "day": today.isoformat(),
            "channel": "email",
        }
        # Asked twice the same day: still one request (the natural key).
        digests_send.apply(kwargs={"day": today.isoformat()}, headers=SCHOOL1).get()
        assert OutboxMessage.objects.filter(task="messaging.digest_deliver").count() == 1


def test_a_failing_smtp_server_is_retried_and_nothing_is_marked_delivered(
    world: World, smtp: SmtpPeer
) -> None:
    from journal.messaging.notifications import DeliveryFailed
    from journal.messaging.notifications import digest_deliver as deliver

    with schema_context("school1"):
        family = _family(world)
        _bad_day(world)
        today = timezone.localdate()
        smtp.fail_data = True
        with pytest.raises(DeliveryFailed):
            deliver(recipient_id=family["mother"].pk, day=today)
        assert Delivery.objects.count() == 0
        digest = Digest.objects.get(recipient=family["mother"])
        assert (digest.state, digest.attempts) == ("failed", 1)
        assert digest.last_error
        smtp.fail_data = False
        assert deliver(recipient_id=family["mother"].pk, day=today) == 2
    assert len(smtp.received) == 1


def test_final_and_corrected_marks_become_events_dia2(world: World) -> None:
    from tests.catalog.adopt import adopt_rules

    adopt_rules("school1", correction={"allowed": True})
    with schema_context("school1"):
        teacher, pupil = world.users["teacher"], world.pupils[0]
        saved = reg.marks_save(
            lesson=world.lesson_today,
            marks=[reg.MarkInput(pupil.pk, 2, "test"), reg.MarkInput(pupil.pk, 4, "oral")],
            by=teacher,
        )
        assert NotificationEvent.objects.filter(kind="bad_mark").count() == 1
        reg.mark_correct(mark=saved[0], new_value=3, reason="Ошибка", by=world.users["deputy"])
        assert NotificationEvent.objects.filter(kind="bad_mark").count() == 0
        reg.mark_correct(mark=saved[1], new_value=2, reason="Ошибка", by=world.users["deputy"])
        assert NotificationEvent.objects.filter(kind="bad_mark").count() == 1


def test_class_teacher_sees_the_delivery_state_per_parent_dia4(
    world: World, smtp: SmtpPeer
) -> None:
    from django.test import Client

    from tests.web.conftest import signed_in

    with schema_context("school1"):
        family = _family(world)
        _bad_day(world)
        digest_deliver.apply(
            kwargs={"recipient_id": family["mother"].pk, "day": timezone.localdate().isoformat()},
            headers=SCHOOL1,
        ).get()
    lead: Client = signed_in(world.users["class_teacher"])
    page = lead.get("/messages/deliveries/").content.decode()
    mother_row = page.split(f'data-parent="{family["mother"].pk}"')[1].split("</tr>")[0]
    assert "да" in mother_row and "Доставлено" in mother_row
    father_row = page.split(f'data-parent="{family["father"].pk}"')[1].split("</tr>")[0]
    assert "не отправляются" in father_row
    other = signed_in(world.users["other_teacher"]).get("/messages/deliveries/").content.decode()
    assert "Нет класса" in other
    # The parent sees the same news in the application.
    notices = signed_in(world.users["parent"]).get("/messages/notifications/").content.decode()
    assert "Отметка «2» по предмету «Математика»" in notices


@pytest.mark.parametrize("extra_events", [0, 20])
def test_one_digest_costs_the_same_queries_with_more_events(
    world: World, smtp: SmtpPeer, extra_events: int, django_assert_max_num_queries: Any
) -> None:
    from journal.messaging.notifications import digest_deliver as deliver

    with schema_context("school1"):
        family = _family(world)
        _bad_day(world)
        for i in range(extra_events):
            NotificationEvent.objects.create(
                kind="bad_mark",
                pupil=family["pupil"],
                occurred_on=timezone.localdate(),
                text=f"Отметка «2» №{i}",
                source=f"test:{i}",
            )
        with django_assert_max_num_queries(12):
            assert deliver(recipient_id=family["mother"].pk, day=timezone.localdate()) == (
                2 + extra_events
            )


def test_period_marks_reach_the_parents_dia2(world: World, smtp: SmtpPeer) -> None:
    import datetime as dt

    from tests import clock

    day = world.period.ends_on - dt.timedelta(days=3)
    with schema_context("school1"), clock.on(day):
        family = _family(world)
        reg.period_mark_create(
            pupil=family["pupil"],
            assignment=world.math5a,
            kind="period",
            value="4",
            period=world.period,
            by=world.users["teacher"],
        )
        event = NotificationEvent.objects.get()
        assert (event.kind, event.occurred_on) == ("final_mark", day)
        digest_deliver.apply(
            kwargs={"recipient_id": family["mother"].pk, "day": day.isoformat()}, headers=SCHOOL1
        ).get()
    assert f"Отметка за {world.period.title.lower()} по предмету «Математика»: 4" in (
        smtp.received[0].text
    )


def test_an_urgent_kind_goes_at_once_and_not_again_in_the_digest_com2(
    world: World, smtp: SmtpPeer
) -> None:
    from journal.messaging.tasks import urgent_send

    with schema_context("school1"):
        family = _family(world)
        services.messaging_settings_update(
            parent_to_parent=False,
            class_chats=False,
            urgent_kinds=["unexcused_absence"],
            by=world.users["director"],
        )
        _bad_day(world)
        absence = NotificationEvent.objects.get(kind="unexcused_absence")
        asked = OutboxMessage.objects.get(key=f"messaging.urgent_send:{absence.pk}")
        assert asked.kwargs == {"event_id": absence.pk}
        assert not OutboxMessage.objects.filter(key__contains=":mark").exists()
        assert urgent_send.apply(kwargs={"event_id": absence.pk}, headers=SCHOOL1).get() == 1
        assert urgent_send.apply(kwargs={"event_id": absence.pk}, headers=SCHOOL1).get() == 0
        today = timezone.localdate().isoformat()
        digest_deliver.apply(
            kwargs={"recipient_id": family["mother"].pk, "day": today}, headers=SCHOOL1
        ).get()
    urgent, daily = smtp.received
    assert "срочное" in str(urgent.message["Subject"])
    assert "Пропуск" in urgent.text and "«2»" not in urgent.text
    assert "«2»" in daily.text and "Пропуск" not in daily.text
    assert [m.rcpt_to for m in smtp.received] == [["mother@example.test"]] * 2


def test_quiet_hours_hold_the_mail_until_they_end_com2(world: World, smtp: SmtpPeer) -> None:
    import datetime as dt

    from celery.exceptions import Retry

    from journal.messaging.notifications import QuietHours
    from journal.messaging.notifications import digest_deliver as deliver
    from journal.messaging.tasks import urgent_send
    from tests import clock

    with schema_context("school1"):
        family = _family(world)
        mother = family["mother"]
        services.notification_preferences_set(
            email_consent=True,
            email_enabled=True,
            app_enabled=True,
            quiet_from=dt.time(22, 0),
            quiet_to=dt.time(11, 0),  # the clock is at 10:00
            by=mother,
        )
        services.messaging_settings_update(
            parent_to_parent=False,
            class_chats=False,
            urgent_kinds=["bad_mark"],
            by=world.users["director"],
        )
        _bad_day(world)
        today = timezone.localdate()
        with pytest.raises(QuietHours) as quiet:
            deliver(recipient_id=mother.pk, day=today)
        assert timezone.localtime(quiet.value.until).time() == dt.time(11, 0)
        event = NotificationEvent.objects.get(kind="bad_mark")
        with pytest.raises(Retry):
            urgent_send.run(event_id=event.pk)
        assert smtp.received == []
        with clock.on(today, dt.time(11, 5)):
            assert urgent_send.run(event_id=event.pk) == 1
    assert len(smtp.received) == 1


def test_a_class_teacher_reason_withdraws_an_urgent_absence_before_it_goes(
    world: World, smtp: SmtpPeer
) -> None:
    from journal.messaging.tasks import urgent_send

    with schema_context("school1"):
        family = _family(world)
        services.messaging_settings_update(
            parent_to_parent=False,
            class_chats=False,
            urgent_kinds=["unexcused_absence"],
            by=world.users["director"],
        )
        _bad_day(world)
        absence_id = NotificationEvent.objects.get(kind="unexcused_absence").pk
        reg.attendance_reason_set(
            attendance=Attendance.objects.get(lesson=world.lesson_today, pupil=family["pupil"]),
            code="Б",
            by=world.users["class_teacher"],
        )
        assert urgent_send.apply(kwargs={"event_id": absence_id}, headers=SCHOOL1).get() == 0
    assert smtp.received == []


@pytest.mark.parametrize(
    ("start", "end", "now", "until"),
    [
        ("22:00", "07:00", "23:30", ("next", "07:00")),
        ("22:00", "07:00", "06:00", ("same", "07:00")),
        ("22:00", "07:00", "12:00", None),
        ("13:00", "15:00", "14:00", ("same", "15:00")),
        ("13:00", "15:00", "15:00", None),
        ("13:00", "13:00", "13:00", None),
    ],
)
def test_quiet_hours_window(start: str, end: str, now: str, until: Any) -> None:
    import datetime as dt

    from journal.messaging.models import NotificationPreference
    from journal.messaging.notifications import quiet_until

    def t(raw: str) -> dt.time:
        return dt.time.fromisoformat(raw)

    pref = NotificationPreference(quiet_from=t(start), quiet_to=t(end))
    day = dt.date(2026, 11, 18)
    moment = timezone.make_aware(dt.datetime.combine(day, t(now)))
    got = quiet_until(pref, moment)
    if until is None:
        assert got is None
    else:
        which, at = until
        expected_day = day + dt.timedelta(days=1) if which == "next" else day
        assert got == timezone.make_aware(dt.datetime.combine(expected_day, t(at)))


@pytest.mark.usefixtures("school_day")
def test_a_failing_forecast_is_news_once_per_period_com2(world: World, smtp: SmtpPeer) -> None:
    with schema_context("school1"):
        family = _family(world)
        teacher = world.users["teacher"]
        reg.marks_save(
            lesson=world.lesson_today,
            marks=[
                reg.MarkInput(world.pupils[0].pk, 2, "test"),
                reg.MarkInput(world.pupils[1].pk, 2, "oral"),
                reg.MarkInput(world.pupils[1].pk, 5, "test"),
            ],
            by=teacher,
        )
        today = timezone.localdate()
        assert digests_send.apply(kwargs={"day": today.isoformat()}, headers=SCHOOL1).get() == 1
        digests_send.apply(kwargs={"day": today.isoformat()}, headers=SCHOOL1).get()
        failing = NotificationEvent.objects.filter(kind="failing_forecast")
        assert [e.pupil_id for e in failing] == [family["pupil"].pk]  # once; not the other
        digest_deliver.apply(
            kwargs={"recipient_id": family["mother"].pk, "day": today.isoformat()},
            headers=SCHOOL1,
        ).get()
    assert "Прогноз отметки за" in smtp.received[0].text
    assert "«Математика»: «2»" in smtp.received[0].text
