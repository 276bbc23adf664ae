"""Administration: bell schedule, holidays and quarantine, pupil movement and consent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from journal.roster import services as roster
from journal.roster.models import ClassMembership, Consent, Movement, Pupil
from journal.structure import services as structure
from journal.structure.models import BellSlot, ScheduleBreak

BELLS = "/manage/bells/"
BREAKS = "/manage/breaks/"
MOVEMENT = "/manage/movement/"


def card(pupil: Any) -> str:
    return f"/manage/pupils/{pupil.pk}/"


def count(model: Any, **filters: Any) -> int:
    with schema_context("school1"):
        return int(model.objects.filter(**filters).count())


def bell_data(**changes: Any) -> dict[str, Any]:
    return {"start_1": "08:30", "end_1": "09:15", "start_2": "09:25", "end_2": "10:10", **changes}


def break_data(world: Any, **changes: Any) -> dict[str, Any]:
    return {
        "kind": "quarantine",
        "title": "Карантин по гриппу",
        "starts_on": (world.today + dt.timedelta(days=3)).isoformat(),
        "ends_on": (world.today + dt.timedelta(days=9)).isoformat(),
        "class_group_ids": [world.class5a.pk],
        **changes,
    }


def move_data(world: Any, **changes: Any) -> dict[str, Any]:
    return {
        "kind": "moved",
        "on_date": world.today.isoformat(),
        "order_number": "45-д",
        "class_to": world.class5b.pk,
        "other_school": "",
        **changes,
    }


def consent_data(world: Any, **changes: Any) -> dict[str, Any]:
    return {
        "signed_on": (world.today - dt.timedelta(days=2)).isoformat(),
        "scan_reference": "scan/0777.pdf",
        "guardian": "",
        **changes,
    }


# ---------------------------------------------------------------- bells


def test_journal_admin_replaces_the_bell_schedule(world: Any, page_client: Any) -> None:
    client = page_client("journal_admin")
    page = client.get(f"{BELLS}?year={world.year.pk}")
    assert page.status_code == 200
    assert "Расписание звонков" in page.text and 'value="08:00"' in page.text  # lesson 1
    response = client.post(f"{BELLS}?year={world.year.pk}", bell_data(), follow=True)
    assert response.status_code == 200
    assert f"Расписание звонков на {world.year} сохранено: уроков 2." in response.text
    with schema_context("school1"):
        slots = list(BellSlot.objects.filter(year=world.year).order_by("number"))
    assert [(b.number, b.starts_at, b.ends_at) for b in slots] == [
        (1, dt.time(8, 30), dt.time(9, 15)),
        (2, dt.time(9, 25), dt.time(10, 10)),
    ]


def test_bad_bells_are_refused_in_russian_and_keep_the_input(world: Any, page_client: Any) -> None:
    client = page_client("director")
    response = client.post(BELLS, bell_data(end_1="08:00"))
    assert response.status_code == 400
    assert "Урок №1: окончание раньше начала." in response.text
    assert 'value="08:30"' in response.text and 'value="09:25"' in response.text
    response = client.post(BELLS, bell_data(end_2="", start_3="25:00"))
    assert response.status_code == 400
    assert "Урок №2: укажите и начало, и окончание." in response.text
    assert "Время: ЧЧ:ММ." in response.text
    assert count(BellSlot, starts_at=dt.time(8, 0)) == 1  # the old schedule is kept
    assert count(BellSlot) == 7


# ---------------------------------------------------------------- holidays, quarantine


def test_quarantine_for_a_class_is_added_and_listed(world: Any, page_client: Any) -> None:
    client = page_client("journal_admin")
    response = client.post(BREAKS, break_data(world), follow=True)
    assert response.status_code == 200
    assert "Карантин «Карантин по гриппу»" in response.text and "внесены." in response.text
    with schema_context("school1"):
        item = ScheduleBreak.objects.get(from_calendar=False)  # the calendar's holidays aside
    assert item.class_group_ids == [world.class5a.pk] and item.kind == "quarantine"
    page = page_client("secretary").get(BREAKS)  # the secretary reads, does not write
    assert page.status_code == 200 and "Карантин по гриппу" in page.text and "5А" in page.text
    assert "Внести каникулы" not in page.text


def test_bad_break_is_refused_in_russian_and_keeps_the_input(world: Any, page_client: Any) -> None:
    client = page_client("deputy")
    response = client.post(
        BREAKS, break_data(world, ends_on=world.today.isoformat(), title="Осенние")
    )
    assert response.status_code == 400
    assert "Дата окончания раньше даты начала." in response.text
    assert 'value="Осенние"' in response.text
    response = client.post(
        BREAKS, break_data(world, starts_on="31.02.2026", kind="", class_group_ids=["999999"])
    )
    assert response.status_code == 400
    assert "Дата: ДД.ММ.ГГГГ." in response.text and "Выберите значение из списка." in response.text
    far = (world.today + dt.timedelta(days=400)).isoformat()
    response = client.post(BREAKS, break_data(world, ends_on=far))
    assert response.status_code == 400
    assert "Даты выходят за границы учебного года." in response.text
    assert count(ScheduleBreak, from_calendar=False) == 0


# ---------------------------------------------------------------- movement


def test_secretary_moves_withdraws_and_sees_the_history(world: Any, page_client: Any) -> None:
    client = page_client("secretary")
    page = client.get(f"{MOVEMENT}?class={world.class5a.pk}")
    assert page.status_code == 200
    assert "Ученик01 Иван" in page.text and "Зачислен" in page.text and "Другой" not in page.text
    pupil = world.pupils[1]
    response = client.post(f"{card(pupil)}move/", move_data(world), follow=True)
    assert response.status_code == 200
    assert "Ученик01 Иван: переведён в другой класс в 5Б" in response.text
    assert "приказ 45-д" in response.text
    with schema_context("school1"):
        assert Pupil.objects.get(pk=pupil.pk).class_group_id == world.class5b.pk
        assert ClassMembership.objects.get(pupil=pupil, date_to__isnull=True).class_group_id == (
            world.class5b.pk
        )
    leaving = world.pupils[2]
    response = client.post(
        f"{card(leaving)}move/",
        move_data(world, kind="transferred_out", class_to="", other_school="Школа № 5"),
        follow=True,
    )
    assert response.status_code == 200 and "выбыл в другую школу" in response.text
    page = client.get(f"{MOVEMENT}?class=none")
    assert "Ученик02 Иван" in page.text and "Выбыл в другую школу" in page.text


def test_bad_movement_is_refused_in_russian_and_keeps_the_input(
    world: Any, page_client: Any
) -> None:
    before = count(Movement)
    client = page_client("journal_admin")
    url = f"{card(world.pupils[1])}move/"
    response = client.post(url, move_data(world, class_to=""))
    assert response.status_code == 400
    assert "Укажите класс, в который переводится обучающийся." in response.text
    assert 'value="45-д"' in response.text
    early = (world.today - dt.timedelta(days=200)).isoformat()
    response = client.post(url, move_data(world, on_date=early, order_number="46-д"))
    assert response.status_code == 400
    assert "Дата движения раньше последнего зачисления в класс." in response.text
    assert 'value="46-д"' in response.text
    response = client.post(url, move_data(world, kind="enrolled", order_number=""))
    assert response.status_code == 400
    assert "Выберите значение из списка." in response.text
    assert "Укажите: номер приказа." in response.text
    assert count(Movement) == before


# ---------------------------------------------------------------- consent


def test_secretary_records_a_consent(world: Any, page_client: Any) -> None:
    client = page_client("secretary")
    pupil = world.pupils[0]
    page = client.get(card(pupil))
    assert page.status_code == 200
    assert "Согласие действует" in page.text and "scan/0001.pdf" in page.text
    target = world.pupils[3]
    assert "Согласия нет" in client.get(card(target)).text
    response = client.post(f"{card(target)}consent/", consent_data(world), follow=True)
    assert response.status_code == 200
    assert "Согласие на Ученик03 Иван внесено." in response.text
    assert "Согласие действует" in response.text and "scan/0777.pdf" in response.text
    with schema_context("school1"):
        consent = Consent.objects.get(pupil=target)
    assert consent.recorded_by_id == world.users["secretary"].pk


def test_bad_consent_is_refused_in_russian_and_keeps_the_input(
    world: Any, page_client: Any
) -> None:
    before = count(Consent)
    client = page_client("secretary")
    url = f"{card(world.pupils[3])}consent/"
    future = (world.today + dt.timedelta(days=3)).isoformat()
    response = client.post(url, consent_data(world, signed_on=future))
    assert response.status_code == 400
    assert "Дата согласия не может быть в будущем." in response.text
    assert 'value="scan/0777.pdf"' in response.text
    with schema_context("school1"):
        stranger = Pupil.objects.get(pk=world.pupils[0].pk).guardian_links.get().guardian_id
    response = client.post(url, consent_data(world, guardian=stranger, scan_reference=" "))
    assert response.status_code == 400
    assert "Выберите значение из списка." in response.text
    assert "Укажите: скан (ссылка или номер согласия)." in response.text
    assert count(Consent) == before


# ---------------------------------------------------------------- access


def test_teachers_pupils_parents_and_other_schools_get_nothing(
    world: Any, page_client: Any, school2_user: Any
) -> None:
    before = count(BellSlot), count(ScheduleBreak), count(Movement), count(Consent)
    pupil = world.pupils[3]
    for persona in ("teacher", "class_teacher", "pupil", "parent"):
        client = page_client(persona)
        for url in (BELLS, BREAKS, MOVEMENT, card(pupil)):
            assert client.get(url).status_code == 403, (persona, url)
        assert client.post(BELLS, bell_data()).status_code == 403
        assert client.post(BREAKS, break_data(world)).status_code == 403
        assert client.post(f"{card(pupil)}move/", move_data(world)).status_code == 403
        assert client.post(f"{card(pupil)}consent/", consent_data(world)).status_code == 403
    secretary = page_client("secretary")  # reads bells and holidays, does not change them
    assert secretary.get(BELLS).status_code == 200
    assert secretary.post(BELLS, bell_data()).status_code == 403
    assert secretary.post(BREAKS, break_data(world)).status_code == 403
    other = school2_user("secretary")
    assert other.get(f"{BELLS}?year={world.year.pk}").status_code == 404
    assert other.get(f"{MOVEMENT}?class={world.class5a.pk}").status_code == 404
    assert other.get(card(pupil)).status_code == 404
    assert other.post(f"{card(pupil)}move/", move_data(world)).status_code == 404
    assert other.post(f"{card(pupil)}consent/", consent_data(world)).status_code == 404
    director2 = school2_user("director")
    assert director2.post(f"{BREAKS}?year={world.year.pk}", break_data(world)).status_code == 404
    assert (count(BellSlot), count(ScheduleBreak), count(Movement), count(Consent)) == before


def test_list_query_counts_do_not_grow_with_rows(
    world: Any, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    client = page_client("journal_admin")
    urls = (f"{MOVEMENT}?class={world.class5a.pk}", BREAKS, BELLS, card(world.pupils[0]))
    few = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        few[url] = len(ctx.captured_queries)
    with schema_context("school1"):
        boss = world.users["director"]
        for i in range(8):
            roster.pupil_create(
                last_name=f"Добавленный{i}",
                first_name="Иван",
                class_group=world.class5a,
                enrolled_on=world.today - dt.timedelta(days=1),
                order_number=f"99/{i}",
                by=boss,
            )
            structure.schedule_break_create(
                year=world.year,
                kind="holiday",
                title=f"Каникулы{i}",
                starts_on=world.today + dt.timedelta(days=i),
                ends_on=world.today + dt.timedelta(days=i),
                class_group_ids=[world.class5a.pk, world.class5b.pk],
                by=boss,
            )
            roster.consent_record(
                pupil=world.pupils[0],
                signed_on=world.today - dt.timedelta(days=i),
                scan_reference=f"scan/доп{i}",
                by=boss,
            )
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            page = client.get(url)
        assert page.status_code == 200
    assert "Добавленный7" in client.get(urls[0]).text
    assert "Каникулы7" in client.get(BREAKS).text
    assert "scan/доп7" in client.get(urls[3]).text
