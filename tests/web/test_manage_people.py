"""Administration: staff (roles), pupils per class (enrolment by order), parents (create, link)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from guardian.shortcuts import get_perms

from journal.roster import services as roster
from journal.roster.models import Guardian, GuardianLink, Movement, Pupil
from journal.structure import services as structure
from journal.structure.models import StaffMember

STAFF = "/manage/staff/"
PUPILS = "/manage/pupils/"
PARENTS = "/manage/parents/"
LINK = "/manage/parents/link/"


def count(model: Any) -> int:
    with schema_context("school1"):
        return int(model.objects.count())


def staff_data(**changes: Any) -> dict[str, Any]:
    return {
        "last_name": "Новикова",
        "first_name": "Мария",
        "username": "novikova",
        "position": "учитель физики",
        "roles": ["teacher"],
        **changes,
    }


def enrol_data(world: Any, **changes: Any) -> dict[str, Any]:
    return {
        "last_name": "Зачисленный",
        "first_name": "Олег",
        "birth_date": "2014-03-02",
        "class_group": world.class5b.pk,
        "enrolled_on": world.today.isoformat(),
        "order_number": "77-у",
        **changes,
    }


# ---------------------------------------------------------------- staff


def test_secretary_lists_staff_with_roles_and_adds_a_member(world: Any, page_client: Any) -> None:
    client = page_client("secretary")
    page = client.get(STAFF)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Математикова Тест" in html and "Учитель" in html and "Администратор ЭЖ" in html
    response = client.post(STAFF, staff_data(roles=["teacher", "deputy"]), follow=True)
    assert response.status_code == 200
    assert "Сотрудник Новикова Мария добавлен." in response.content.decode()
    with schema_context("school1"):
        member = StaffMember.objects.get(user__username="novikova")
        assert member.position == "учитель физики"
        assert set(member.user.groups.values_list("name", flat=True)) == {"teacher", "deputy"}
        assert not member.user.has_usable_password()


def test_bad_staff_member_is_refused_in_russian_and_keeps_the_input(
    world: Any, page_client: Any
) -> None:
    before = count(StaffMember)
    response = page_client("secretary").post(
        STAFF, staff_data(username="teacher", roles=["director"])
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Такое имя пользователя уже занято или не указано." in html
    assert "Назначить директора может только директор или администратор ЭЖ." in html
    assert 'value="Новикова"' in html and 'value="учитель физики"' in html
    response = page_client("journal_admin").post(STAFF, staff_data(roles=[], last_name=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Выберите хотя бы одну роль." in html and "Укажите: фамилия." in html
    assert count(StaffMember) == before


# ---------------------------------------------------------------- pupils


def test_secretary_enrols_a_pupil_with_order_number_and_date(world: Any, page_client: Any) -> None:
    client = page_client("secretary")
    page = client.get(f"{PUPILS}?class={world.class5a.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ученики 5А" in html and "Ученик00 Иван" in html and "Родителева Анна (мать)" in html
    assert "Другой" not in html  # 5Б's pupil
    response = client.post(f"{PUPILS}?class={world.class5b.pk}", enrol_data(world), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Зачисленный Олег зачислен(а) в 5Б." in html and "Другой Пётр" in html
    with schema_context("school1"):
        pupil = Pupil.objects.get(user__last_name="Зачисленный")
        assert pupil.class_group_id == world.class5b.pk
        move = Movement.objects.get(pupil=pupil)
        assert (move.order_number, move.on_date) == ("77-у", world.today)


def test_bad_enrolment_is_refused_in_russian_and_keeps_the_input(
    world: Any, page_client: Any
) -> None:
    before = count(Pupil)
    client = page_client("journal_admin")
    response = client.post(PUPILS, enrol_data(world, birth_date=world.today.isoformat()))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Дата рождения должна быть раньше даты зачисления." in html
    assert 'value="Зачисленный"' in html and 'value="77-у"' in html
    response = client.post(PUPILS, enrol_data(world, order_number=" "))
    assert response.status_code == 400
    assert "Укажите: номер приказа о зачислении." in response.content.decode()
    response = client.post(PUPILS, enrol_data(world, enrolled_on="31.02.2025", class_group=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Дата: ДД.ММ.ГГГГ." in html and "Выберите значение из списка." in html
    assert count(Pupil) == before


# ---------------------------------------------------------------- parents


def test_parents_are_listed_created_and_linked(world: Any, page_client: Any) -> None:
    client = page_client("secretary")
    page = client.get(PARENTS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Родителева Анна" in html and "Ученик00 Иван, 5А (мать)" in html
    response = client.post(
        PARENTS, {"last_name": "Отцов", "first_name": "Павел", "phone": "+7 900 1"}, follow=True
    )
    assert response.status_code == 200
    assert "Родитель Отцов Павел добавлен(а)." in response.content.decode()
    with schema_context("school1"):
        guardian = Guardian.objects.get(user__last_name="Отцов")
    pupil = world.pupils[1]
    response = client.post(
        LINK, {"guardian": guardian.pk, "pupil": pupil.pk, "relation": "father"}, follow=True
    )
    assert response.status_code == 200
    assert "Отцов Павел связан(а) с обучающимся Ученик01 Иван." in response.content.decode()
    with schema_context("school1"):
        assert GuardianLink.objects.filter(guardian=guardian, pupil=pupil).exists()
        assert "view_child" in get_perms(guardian.user, pupil)


def test_bad_parent_and_link_are_refused_in_russian(world: Any, page_client: Any) -> None:
    client = page_client("secretary")
    before = count(Guardian), count(GuardianLink)
    response = client.post(PARENTS, {"last_name": "", "first_name": "Павел", "phone": "abc"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Укажите: фамилия." in html and "Телефон: цифры" in html and 'value="Павел"' in html
    with schema_context("school1"):
        guardian = Guardian.objects.get(user__last_name="Родителева")
    response = client.post(
        LINK, {"guardian": guardian.pk, "pupil": world.pupils[0].pk, "relation": "mother"}
    )
    assert response.status_code == 400
    assert "Родитель уже связан с этим обучающимся." in response.content.decode()
    response = client.post(LINK, {"guardian": guardian.pk, "pupil": "", "relation": "aunt"})
    assert response.status_code == 400
    assert "Выберите значение из списка." in response.content.decode()
    assert (count(Guardian), count(GuardianLink)) == before


# ---------------------------------------------------------------- access


def test_teachers_pupils_parents_and_other_schools_get_nothing(
    world: Any, page_client: Any, school2_user: Any
) -> None:
    before = count(StaffMember), count(Pupil), count(Guardian), count(GuardianLink)
    with schema_context("school1"):
        guardian = Guardian.objects.get(user__last_name="Родителева")
    for persona in ("teacher", "class_teacher", "pupil", "parent"):
        client = page_client(persona)
        for url in (STAFF, PUPILS, PARENTS):
            assert client.get(url).status_code == 403, (persona, url)
        assert client.post(STAFF, staff_data()).status_code == 403
        assert client.post(PUPILS, enrol_data(world)).status_code == 403
        assert client.post(PARENTS, {"last_name": "Х", "first_name": "Y"}).status_code == 403
        link = {"guardian": guardian.pk, "pupil": world.pupils[2].pk, "relation": "mother"}
        assert client.post(LINK, link).status_code == 403
    other = school2_user("secretary")
    assert other.get(f"{PUPILS}?class={world.class5a.pk}").status_code == 404
    response = other.post(PUPILS, enrol_data(world))
    assert response.status_code == 400 and "Выберите значение из списка." in response.text
    response = other.post(
        LINK, {"guardian": guardian.pk, "pupil": world.pupils[2].pk, "relation": "mother"}
    )
    assert response.status_code == 400
    assert (count(StaffMember), count(Pupil), count(Guardian), count(GuardianLink)) == before


def test_list_query_counts_do_not_grow_with_rows(
    world: Any, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    client = page_client("secretary")
    urls = (STAFF, f"{PUPILS}?class={world.class5a.pk}", PARENTS)
    few = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        few[url] = len(ctx.captured_queries)
    with schema_context("school1"):
        boss = world.users["director"]
        for i in range(8):
            structure.staff_member_create(
                username=f"extra{i}",
                last_name=f"Доп{i}",
                first_name="Тест",
                role_names=["teacher", "deputy"],
                by=boss,
            )
            pupil = roster.pupil_create(
                last_name=f"Добавленный{i}",
                first_name="Иван",
                class_group=world.class5a,
                enrolled_on=world.today - dt.timedelta(days=1),
                order_number=f"99/{i}",
                by=boss,
            )
            guardian = roster.guardian_create(last_name=f"Мама{i}", first_name="Анна", by=boss)
            roster.guardian_link_create(guardian=guardian, pupil=pupil, relation="mother", by=boss)
    added = dict(zip(urls, ("Доп7", "Добавленный7", "Мама7"), strict=True))
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            page = client.get(url)
        assert added[url] in page.text, url
