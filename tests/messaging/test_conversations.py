"""COM-1, SEC-4: who may write to whom, read receipts, unread counts, reports, other schools.

The table lives in `journal.messaging.policy`; here every sender × recipient pair of the
world's cast is tried through the service: each pair the table allows works, every other
is refused and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django_tenants.utils import schema_context

from core.errors import PermissionDeniedError
from journal.messaging import selectors, services
from journal.messaging.models import Message, Participant, Thread
from journal.roster import services as roster
from journal.roster.models import Consent
from tests.world import World, make_user

CAST = [
    "director",
    "deputy",
    "journal_admin",
    "secretary",
    "teacher",  # maths in 5А, reading in 1А
    "other_teacher",  # Russian in 5Б
    "class_teacher",  # leads 5А
    "substitute",
    "substitute_no_grant",
    "pupil",  # 5А, consent in force
    "other_pupil",  # 5Б, consent in force
    "parent",  # of the 5А pupil
    "other_parent",  # of the 5Б pupil
]
STAFF = {
    "director",
    "deputy",
    "journal_admin",
    "secretary",
    "teacher",
    "other_teacher",
    "class_teacher",
    "substitute",
    "substitute_no_grant",
}
FAMILIES = {"pupil", "other_pupil", "parent", "other_parent"}
# The expected table, written out by hand for this cast (COM-1).
ALLOWED: dict[str, set[str]] = {
    "director": STAFF | FAMILIES,
    "deputy": STAFF | FAMILIES,
    "journal_admin": STAFF,
    "secretary": STAFF,
    "teacher": STAFF | {"pupil", "parent"},
    "other_teacher": STAFF | {"other_pupil", "other_parent"},
    "class_teacher": STAFF | {"pupil", "parent"},
    "substitute": STAFF,
    "substitute_no_grant": STAFF,
    "pupil": {"teacher", "class_teacher"},
    "other_pupil": {"other_teacher"},
    "parent": {"teacher", "class_teacher", "director", "deputy"},
    "other_parent": {"other_teacher", "director", "deputy"},
}


def cast(world: World) -> dict[str, Any]:
    users = dict(world.users)
    users["other_pupil"] = world.other_pupil.user
    return {name: users[name] for name in CAST}


def test_every_sender_recipient_pair_follows_the_table_com1(world: World) -> None:
    with schema_context("school1"):
        people = cast(world)
        outcomes: dict[tuple[str, str], str] = {}
        for sender in CAST:
            for recipient in CAST:
                if sender == recipient:
                    continue
                expected = recipient in ALLOWED[sender]
                sid = transaction.savepoint()
                before = Message.objects.count()
                try:
                    thread, _ = services.thread_start(
                        recipient_ids=[people[recipient].pk],
                        body="Здравствуйте!",
                        by=people[sender],
                    )
                    got = "allowed"
                    assert {p.user_id for p in thread.participants.all()} == {
                        people[sender].pk,
                        people[recipient].pk,
                    }
                except PermissionDeniedError:
                    got = "refused"
                    assert Message.objects.count() == before
                finally:
                    transaction.savepoint_rollback(sid)
                if got != ("allowed" if expected else "refused"):
                    outcomes[(sender, recipient)] = got
        assert not outcomes, outcomes


def test_the_contact_list_is_the_table_com1(world: World) -> None:
    with schema_context("school1"):
        people = cast(world)
        names = {u.pk: n for n, u in people.items()}
        for sender in CAST:
            got = {
                names[c.user_id]
                for c in selectors.contact_list(for_user=people[sender])
                if c.user_id in names
            }
            assert got == ALLOWED[sender] - {sender}, sender


def test_parent_to_parent_only_when_the_school_turns_it_on(world: World) -> None:
    with schema_context("school1"):
        classmate = world.pupils[1]
        boss = world.users["director"]
        roster.consent_record(
            pupil=classmate, signed_on=world.today, scan_reference="scan/3", by=boss
        )
        other = roster.guardian_create(last_name="Соседова", first_name="Ирина", by=boss)
        roster.guardian_link_create(guardian=other, pupil=classmate, relation="mother", by=boss)
        parent = world.users["parent"]
        with pytest.raises(PermissionDeniedError):
            services.thread_start(recipient_ids=[other.user.pk], body="Привет", by=parent)
        # Only the administration turns it on.
        with pytest.raises(PermissionDeniedError):
            services.messaging_settings_update(
                parent_to_parent=True, class_chats=False, by=world.users["teacher"]
            )
        services.messaging_settings_update(parent_to_parent=True, class_chats=False, by=boss)
        thread, _ = services.thread_start(recipient_ids=[other.user.pk], body="Привет", by=parent)
        assert thread.kind == Thread.Kind.DIRECT
        # Parents of another class stay out of reach.
        with pytest.raises(PermissionDeniedError):
            services.thread_start(
                recipient_ids=[world.users["other_parent"].pk], body="Привет", by=parent
            )


def test_class_chat_only_when_turned_on_and_for_the_class_teacher(world: World) -> None:
    with schema_context("school1"):
        lead = world.users["class_teacher"]
        with pytest.raises(PermissionDeniedError):
            services.class_chat_open(class_group=world.class5a, by=lead)
        services.messaging_settings_update(
            parent_to_parent=False, class_chats=True, by=world.users["deputy"]
        )
        with pytest.raises(PermissionDeniedError):
            services.class_chat_open(class_group=world.class5a, by=world.users["teacher"])
        chat = services.class_chat_open(class_group=world.class5a, by=lead)
        members = set(Participant.objects.filter(thread=chat).values_list("user_id", flat=True))
        assert members == {lead.pk, world.users["parent"].pk}
        assert services.class_chat_open(class_group=world.class5a, by=lead) == chat
        services.message_send(thread=chat, body="Собрание в четверг", by=lead)
        services.message_send(thread=chat, body="Спасибо", by=world.users["parent"])
        services.messaging_settings_update(
            parent_to_parent=False, class_chats=False, by=world.users["deputy"]
        )
        with pytest.raises(PermissionDeniedError):
            services.message_send(thread=chat, body="Ещё", by=world.users["parent"])


def test_a_revoked_consent_closes_the_family_to_messages_sec4(world: World) -> None:
    with schema_context("school1"):
        consent = Consent.objects.get(pupil=world.pupils[0])
        roster.consent_revoke(
            consent=consent,
            revoked_on=world.today,
            reason="Заявление родителя",
            by=world.users["secretary"],
        )
        teacher, parent = world.users["teacher"], world.users["parent"]
        for sender, recipient in ((teacher, parent), (teacher, world.users["pupil"])):
            with pytest.raises(PermissionDeniedError):
                services.thread_start(recipient_ids=[recipient.pk], body="Здравствуйте", by=sender)
        with pytest.raises(PermissionDeniedError):
            services.thread_start(recipient_ids=[teacher.pk], body="Здравствуйте", by=parent)


def test_a_deactivated_teacher_is_out_of_reach(world: World) -> None:
    with schema_context("school1"):
        from journal.structure.models import StaffMember

        StaffMember.objects.filter(user=world.users["teacher"]).update(is_active=False)
        with pytest.raises(PermissionDeniedError):
            services.thread_start(
                recipient_ids=[world.users["teacher"].pk], body="Вопрос", by=world.users["parent"]
            )


def test_one_to_one_thread_is_reused_replies_and_read_receipts(world: World) -> None:
    with schema_context("school1"):
        parent, lead = world.users["parent"], world.users["class_teacher"]
        thread, _ = services.thread_start(
            recipient_ids=[lead.pk], subject="Пропуск", body="Сын болеет", by=parent
        )
        assert selectors.unread_total(for_user=lead) == 1
        assert selectors.unread_total(for_user=parent) == 0
        again, _ = services.thread_start(recipient_ids=[lead.pk], body="И завтра", by=parent)
        assert again.pk == thread.pk
        rows = selectors.inbox(for_user=lead)
        assert [(r.thread.pk, r.unread, r.last_body, r.title) for r in rows] == [
            (thread.pk, 2, "И завтра", "Пропуск")
        ]
        services.thread_mark_read(thread=thread, by=lead)
        assert selectors.unread_total(for_user=lead) == 0
        reply = services.message_send(thread=thread, body="Выздоравливайте", by=lead)
        assert selectors.unread_total(for_user=parent) == 1
        me = Participant.objects.get(thread=thread, user=lead)
        assert me.last_read_id == reply.pk
        # Someone outside the thread neither reads nor writes it.
        outsider = world.users["teacher"]
        with pytest.raises(Http404):
            selectors.thread_get(thread_id=thread.pk, for_user=outsider)
        with pytest.raises(PermissionDeniedError):
            services.message_send(thread=thread, body="Я тоже", by=outsider)
        with pytest.raises(PermissionDeniedError):
            services.thread_mark_read(thread=thread, by=outsider)
        assert [r.thread.pk for r in selectors.inbox(for_user=lead, search="болеет")] == [thread.pk]
        assert selectors.inbox(for_user=lead, search="контрольная") == []


def test_group_threads_are_small_and_need_every_recipient_allowed(world: World) -> None:
    with schema_context("school1"):
        deputy = world.users["deputy"]
        many = [make_user(f"staff{i}", "teacher").pk for i in range(11)]
        with pytest.raises(ValidationError):
            services.thread_start(recipient_ids=many, body="Педсовет", by=deputy)
        thread, _ = services.thread_start(
            recipient_ids=many[:3], subject="Педсовет", body="В пятницу", by=deputy
        )
        assert thread.kind == Thread.Kind.GROUP
        assert thread.participants.count() == 4
        pupil = world.users["pupil"]
        with pytest.raises(PermissionDeniedError):  # the deputy is out of a pupil's reach
            services.thread_start(
                recipient_ids=[world.users["teacher"].pk, deputy.pk], body="?", by=pupil
            )
        with pytest.raises(ValidationError):
            services.thread_start(recipient_ids=[], body="?", by=deputy)
        with pytest.raises(ValidationError):
            services.thread_start(recipient_ids=many[:1], body="   ", by=deputy)


def test_report_a_message_and_the_administration_decides(world: World) -> None:
    with schema_context("school1"):
        parent, teacher = world.users["parent"], world.users["teacher"]
        thread, _ = services.thread_start(recipient_ids=[parent.pk], body="Грубость", by=teacher)
        message = Message.objects.get(thread=thread)
        with pytest.raises(PermissionDeniedError):  # one's own message
            services.message_report(message=message, reason="?", by=teacher)
        with pytest.raises(PermissionDeniedError):  # not a participant
            services.message_report(message=message, reason="?", by=world.users["deputy"])
        report = services.message_report(message=message, reason="Оскорбление", by=parent)
        with pytest.raises(ValidationError):
            services.message_report(message=message, reason="Ещё раз", by=parent)
        for persona in ("teacher", "class_teacher", "journal_admin", "secretary", "parent"):
            with pytest.raises(PermissionDeniedError):
                selectors.report_list(for_user=world.users[persona])
        deputy = world.users["deputy"]
        assert [r.pk for r in selectors.report_list(for_user=deputy, open_only=True)] == [report.pk]
        with pytest.raises(PermissionDeniedError):
            services.message_report_resolve(
                report=report, resolution="Скрыть", hide=True, by=teacher
            )
        services.message_report_resolve(
            report=report, resolution="Сообщение скрыто", hide=True, by=deputy
        )
        message.refresh_from_db()
        assert message.hidden_at is not None
        assert selectors.report_list(for_user=deputy, open_only=True).count() == 0
        assert selectors.unread_total(for_user=parent) == 0  # hidden messages do not count


def test_other_school_ids_are_404_for_every_thread_and_message(
    world: World, school2_director: Any
) -> None:
    with schema_context("school1"):
        thread, message = services.thread_start(
            recipient_ids=[world.users["parent"].pk], body="Тайна", by=world.users["teacher"]
        )
        ids = (thread.pk, message.pk)
    with schema_context("school2"):
        intruder = make_user("teacher2", "teacher")
        for user in (school2_director, intruder):
            with pytest.raises(Http404):
                selectors.thread_get(thread_id=ids[0], for_user=user)
            with pytest.raises(Http404):
                selectors.message_for_participant(message_id=ids[1], for_user=user)
            assert selectors.inbox(for_user=user) == []
            assert selectors.unread_total(for_user=user) == 0
    with schema_context("school1"):
        assert Message.objects.filter(thread_id=ids[0]).count() == 1


def test_announcements_audience_publish_time_and_end_com1_dia1(world: World) -> None:
    from django.utils import timezone

    with schema_context("school1"):
        boss, lead = world.users["director"], world.users["class_teacher"]
        now = timezone.now()
        school = services.announcement_create(
            title="Карантин",
            body="С понедельника карантин",
            class_group=None,
            for_parents=True,
            for_pupils=True,
            for_staff=True,
            publish_at=None,
            ends_at=None,
            by=boss,
        )
        meeting = services.announcement_create(
            title="Родительское собрание 5А",
            body="В четверг в 18:00",
            class_group=world.class5a,
            for_parents=True,
            for_pupils=False,
            for_staff=False,
            publish_at=None,
            ends_at=now + dt.timedelta(days=2),
            by=lead,
        )
        later = services.announcement_create(
            title="Экскурсия",
            body="Через неделю",
            class_group=world.class5a,
            for_parents=True,
            for_pupils=True,
            for_staff=False,
            publish_at=now + dt.timedelta(days=3),
            ends_at=None,
            by=lead,
        )

        def seen(persona: str, at: Any = None) -> list[int]:
            return [a.pk for a in selectors.announcements_for(for_user=world.users[persona], at=at)]

        assert seen("parent") == [meeting.pk, school.pk]
        assert seen("pupil") == [school.pk]
        assert seen("other_parent") == [school.pk]
        assert seen("teacher") == [school.pk]
        later_on = now + dt.timedelta(days=4)
        assert seen("parent", later_on) == [later.pk, school.pk]  # the meeting has ended
        assert seen("pupil", later_on) == [later.pk, school.pk]
        # Who may publish what.
        for by, group, staff in (
            (lead, None, False),
            (world.users["teacher"], world.class5a, False),
            (lead, world.class5a, True),
            (world.users["parent"], world.class5a, False),
        ):
            with pytest.raises(PermissionDeniedError):
                services.announcement_create(
                    title="x",
                    body="y",
                    class_group=group,
                    for_parents=True,
                    for_pupils=False,
                    for_staff=staff,
                    publish_at=None,
                    ends_at=None,
                    by=by,
                )
        with pytest.raises(ValidationError):
            services.announcement_create(
                title="x",
                body="y",
                class_group=None,
                for_parents=False,
                for_pupils=False,
                for_staff=False,
                publish_at=None,
                ends_at=None,
                by=boss,
            )
        services.announcement_withdraw(announcement=school, by=boss)
        assert seen("pupil") == []
        with pytest.raises(PermissionDeniedError):
            services.announcement_withdraw(announcement=meeting, by=world.users["teacher"])


def test_conversations_past_the_retention_are_forgotten(
    world: World, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from journal.messaging.models import MessageAttachment
    from journal.messaging.tasks import purge

    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context("school1"):
        old, _ = services.thread_start(
            recipient_ids=[world.users["parent"].pk],
            body="Давно",
            files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")],
            by=world.users["teacher"],
        )
        fresh, _ = services.thread_start(
            recipient_ids=[world.users["parent"].pk], body="Недавно", by=world.users["deputy"]
        )
        stored = MessageAttachment.objects.get().file.name
        assert services.retention_years() == 5  # the journals' retention (000 §4.1)
        Thread.objects.filter(pk=old.pk).update(
            last_message_at=timezone.now() - dt.timedelta(days=5 * 366)
        )
        assert (tmp_path / stored).exists()
        with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
            assert purge.apply(headers={"_schema_name": "school1"}).get() == 1
        assert list(Thread.objects.values_list("pk", flat=True)) == [fresh.pk]
        assert not MessageAttachment.objects.exists()
        assert purge.apply(headers={"_schema_name": "school1"}).get() == 0
    assert not (tmp_path / stored).exists()
