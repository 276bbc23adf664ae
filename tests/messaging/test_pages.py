"""COM-1 pages: a parent writes to the class teacher, who sees the unread badge, opens the
conversation and answers; the parent sees the answer. The inbox costs the same number of
queries with more threads; another school's thread is 404; announcements reach the diary."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from journal.messaging import services
from journal.messaging.models import Message, Thread
from tests.world import World, make_user


def _badge(html: str) -> int:
    found = re.search(r'href="/messages/"[^>]*>Сообщения <span class="badge"[^>]*>(\d+)<', html)
    return int(found.group(1)) if found else 0


def test_parent_writes_class_teacher_answers_com1(
    world: World, page_client: Callable[[str], Client]
) -> None:
    parent, lead = page_client("parent"), page_client("class_teacher")
    lead_id = world.users["class_teacher"].pk
    form = parent.get(f"/messages/new/?to={lead_id}")
    assert form.status_code == 200
    assert "Классная" in form.content.decode()
    sent = parent.post(
        "/messages/new/",
        {"recipients": [lead_id], "subject": "Пропуск", "body": "Дочь заболела"},
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    thread_url = sent["Location"]
    inbox = lead.get("/messages/").content.decode()
    assert _badge(inbox) == 1
    assert "Пропуск" in inbox and "Дочь заболела" in inbox
    page = lead.get(thread_url)
    assert page.status_code == 200 and "Дочь заболела" in page.content.decode()
    assert _badge(lead.get("/messages/").content.decode()) == 0  # read on opening
    answer = lead.post(thread_url + "reply/", {"body": "Выздоравливайте!"})
    assert answer.status_code == 302
    assert _badge(parent.get("/messages/").content.decode()) == 1
    assert "Выздоравливайте!" in parent.get(thread_url).content.decode()


def test_refused_recipient_and_empty_text_stay_on_the_form(
    world: World, page_client: Callable[[str], Client]
) -> None:
    pupil = page_client("pupil")
    deputy_id = world.users["deputy"].pk
    refused = pupil.post("/messages/new/", {"recipients": [deputy_id], "body": "Привет"})
    assert refused.status_code == 400  # not in the pupil's contact list: not a choice
    assert "Выберите значение из списка" in refused.content.decode()
    empty = pupil.post("/messages/new/", {"recipients": [world.users["teacher"].pk], "body": ""})
    assert empty.status_code == 400
    assert "Напишите текст сообщения." in empty.content.decode()
    with schema_context("school1"):
        assert Message.objects.count() == 0


def test_report_button_and_the_administrations_view(
    world: World, page_client: Callable[[str], Client]
) -> None:
    with schema_context("school1"):
        thread, message = services.thread_start(
            recipient_ids=[world.users["parent"].pk], body="Неприятное", by=world.users["teacher"]
        )
    parent = page_client("parent")
    assert (
        parent.post(f"/messages/message/{message.pk}/report/", {"reason": "Грубо"}).status_code
        == 302
    )
    reports = page_client("deputy").get("/messages/reports/")
    assert reports.status_code == 200 and "Грубо" in reports.content.decode()
    assert page_client("teacher").get("/messages/reports/").status_code == 403
    assert page_client("parent").get("/messages/reports/").status_code == 403
    with schema_context("school1"):
        report_id = message.reports.get().pk
    done = page_client("deputy").post(
        f"/messages/reports/{report_id}/resolve/", {"resolution": "Скрыто", "hide": "on"}
    )
    assert done.status_code == 302
    assert "скрыто администрацией" in parent.get(f"/messages/{thread.pk}/").content.decode()


def _threads(world: World, n: int, start: int) -> None:
    with schema_context("school1"):
        deputy = world.users["deputy"]
        for i in range(start, start + n):
            colleague = make_user(f"colleague{i}", "teacher")
            services.thread_start(recipient_ids=[colleague.pk], body=f"Вопрос {i}", by=deputy)
            services.thread_start(recipient_ids=[deputy.pk], body=f"Ответ {i}", by=colleague)


def _inbox_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/messages/").status_code == 200
    return len(ctx.captured_queries)


def test_inbox_queries_do_not_grow_with_threads(
    world: World, page_client: Callable[[str], Client]
) -> None:
    deputy = page_client("deputy")
    _threads(world, 2, 0)
    _inbox_queries(deputy)  # the first request of a session warms the tenant and rule caches
    few = _inbox_queries(deputy)
    _threads(world, 8, 2)
    many = _inbox_queries(deputy)
    assert many == few, (few, many)
    assert few <= 16
    with schema_context("school1"):
        assert Thread.objects.count() == 10


def test_another_schools_thread_is_404(world: World, school2_user: Callable[[str], Client]) -> None:
    with schema_context("school1"):
        thread, message = services.thread_start(
            recipient_ids=[world.users["parent"].pk], body="Тайна", by=world.users["teacher"]
        )
    intruder = school2_user("director")
    assert intruder.get(f"/messages/{thread.pk}/").status_code == 404
    assert intruder.post(f"/messages/{thread.pk}/reply/", {"body": "x"}).status_code == 404
    assert (
        intruder.post(f"/messages/message/{message.pk}/report/", {"reason": "x"}).status_code == 404
    )
    assert "Тайна" not in intruder.get("/messages/").content.decode()
    with schema_context("school1"):
        assert Message.objects.filter(thread=thread).count() == 1


@pytest.mark.usefixtures("school_day")
def test_a_class_announcement_appears_in_the_pupils_diary_dia1(
    world: World, page_client: Callable[[str], Client]
) -> None:
    lead = page_client("class_teacher")
    published = lead.post(
        "/messages/announcements/",
        {
            "title": "Экскурсия в музей",
            "body": "В пятницу, сбор в 9:00",
            "class_group": world.class5a.pk,
            "for_parents": "on",
            "for_pupils": "on",
        },
    )
    assert published.status_code == 302, published.content.decode()[:3000]
    for persona in ("pupil", "parent"):
        diary = page_client(persona).get("/diary/").content.decode()
        assert "Экскурсия в музей" in diary, persona
    assert "Экскурсия в музей" not in page_client("other_parent").get("/diary/").content.decode()
    # A class teacher publishes nothing for the whole school.
    refused = lead.post(
        "/messages/announcements/", {"title": "Всем", "body": "x", "for_parents": "on"}
    )
    assert refused.status_code == 400


def test_parent_gives_and_withdraws_email_consent(
    world: World, page_client: Callable[[str], Client]
) -> None:
    parent = page_client("parent")
    no_address = parent.post("/messages/notifications/", {"email_consent": "on"})
    assert no_address.status_code == 400
    with schema_context("school1"):
        user: Any = world.users["parent"]
        user.email = "mother@example.test"
        user.save(update_fields=["email"])
    ok = parent.post("/messages/notifications/", {"email_consent": "on", "email_enabled": "on"})
    assert ok.status_code == 302
    assert "Согласие дано" in parent.get("/messages/notifications/").content.decode()
    assert page_client("pupil").get("/messages/notifications/").status_code == 403


@pytest.mark.usefixtures("school_day")
def test_staff_announcements_on_the_staff_start_pages_com1(
    world: World, page_client: Callable[[str], Client]
) -> None:
    boss = page_client("director")
    published = boss.post(
        "/messages/announcements/",
        {"title": "Педсовет в пятницу", "body": "В 15:00, актовый зал", "for_staff": "on"},
    )
    assert published.status_code == 302, published.content.decode()[:3000]
    assert "Педсовет в пятницу" in page_client("teacher").get("/teacher/today/").content.decode()
    assert "Педсовет в пятницу" in page_client("deputy").get("/control/").content.decode()
    assert "Педсовет в пятницу" in page_client("secretary").get("/messages/").content.decode()
    assert "Педсовет в пятницу" not in page_client("parent").get("/diary/").content.decode()


def test_the_class_teacher_opens_the_class_chat_when_the_school_allows(
    world: World, page_client: Callable[[str], Client]
) -> None:
    lead = page_client("class_teacher")
    url = f"/messages/class-chat/{world.class5a.pk}/"
    assert "Чат 5А" not in lead.get("/messages/").content.decode()
    refused = lead.post(url)
    assert refused.status_code == 302 and refused["Location"] == "/messages/"
    with schema_context("school1"):
        services.messaging_settings_update(
            parent_to_parent=False, class_chats=True, by=world.users["director"]
        )
    assert "Чат 5А" in lead.get("/messages/").content.decode()
    opened = lead.post(url)
    assert opened.status_code == 302 and opened["Location"].startswith("/messages/")
    assert lead.post(url)["Location"] == opened["Location"]  # the same chat
    assert page_client("teacher").post(url).status_code == 404  # not their class
    parent_page = page_client("parent").get(opened["Location"])
    assert parent_page.status_code == 200
