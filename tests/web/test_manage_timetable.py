"""Administration: teaching assignments, timetable by class and teacher (clashes in Russian),
subgroups split."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from guardian.shortcuts import get_perms

from journal.structure import services as structure
from journal.structure.models import (
    StaffMember,
    Subgroup,
    SubgroupMember,
    TeachingAssignment,
    TimetableEntry,
)

ASSIGNMENTS = "/manage/assignments/"
TIMETABLE = "/manage/timetable/"


def subgroups_url(group: Any) -> str:
    return f"/manage/classes/{group.pk}/subgroups/"


def count(model: Any) -> int:
    with schema_context("school1"):
        return int(model.objects.count())


def staff_of(world: Any, persona: str) -> StaffMember:
    with schema_context("school1"):
        return StaffMember.objects.get(user=world.users[persona])


def slot(world: Any, assignment: Any, weekday: int, number: int, room: str = "") -> Any:
    with schema_context("school1"):
        return structure.timetable_entry_create(
            assignment=assignment,
            weekday=weekday,
            slot=number,
            room=room,
            by=world.users["director"],
        )


# ---------------------------------------------------------------- assignments


def test_journal_admin_lists_and_creates_assignments(world: Any, page_client: Any) -> None:
    client = page_client("journal_admin")
    page = client.get(ASSIGNMENTS)
    assert page.status_code == 200
    assert "Математика" in page.text and "Математикова Тест" in page.text
    teacher = staff_of(world, "other_teacher")
    data = {
        "teacher": teacher.pk,
        "subject": world.math.pk,
        "class_group": world.class5b.pk,
        "weekly_hours": "3,5",
    }
    response = client.post(ASSIGNMENTS, data, follow=True)
    assert response.status_code == 200
    assert "Нагрузка закреплена: Математика — 5Б, Русакова Тест." in response.text
    with schema_context("school1"):
        created = TeachingAssignment.objects.get(class_group=world.class5b, subject=world.math)
        assert created.weekly_hours == Decimal("3.5")
        assert "teach_assignment" in get_perms(world.users["other_teacher"], created)
    before = count(TeachingAssignment)
    bad = client.post(ASSIGNMENTS, {**data, "class_group": world.class5a.pk, "weekly_hours": "0"})
    assert bad.status_code == 400
    assert "Этот предмет в этом классе (подгруппе) уже закреплён за учителем." in bad.text
    assert "Часов в неделю: больше 0 и не больше 12." in bad.text and 'value="0"' in bad.text
    bad = client.post(ASSIGNMENTS, {**data, "weekly_hours": "много", "teacher": ""})
    assert bad.status_code == 400
    assert "Часы в неделю — число" in bad.text and 'value="много"' in bad.text
    assert count(TeachingAssignment) == before


def test_assignments_are_closed_to_others(world: Any, page_client: Any, school2_user: Any) -> None:
    before = count(TeachingAssignment)
    data = {
        "teacher": staff_of(world, "teacher").pk,
        "subject": world.pe.pk,
        "class_group": world.class5a.pk,
        "weekly_hours": "2",
    }
    for persona in ("secretary", "teacher", "pupil", "parent"):
        client = page_client(persona)
        assert client.get(ASSIGNMENTS).status_code == 403, persona
        assert client.post(ASSIGNMENTS, data).status_code == 403
    other = school2_user("journal_admin")
    response = other.post(ASSIGNMENTS, data)
    assert response.status_code == 400 and "Выберите значение из списка." in response.text
    assert count(TeachingAssignment) == before


# ---------------------------------------------------------------- timetable


def test_admin_adds_slots_and_clashes_are_shown_in_russian(world: Any, page_client: Any) -> None:
    client = page_client("journal_admin")
    page = client.get(f"{TIMETABLE}?class={world.class5a.pk}")
    assert page.status_code == 200 and "Добавить урок в расписание" in page.text
    data = {"assignment": world.math5a.pk, "weekday": "1", "slot": "1", "room": "101"}
    response = client.post(TIMETABLE, data, follow=True)
    assert response.status_code == 200
    assert "В расписание добавлено: понедельник, урок №1" in response.text
    assert "каб. 101" in response.text and "08:00–08:45" in response.text
    before = count(TimetableEntry)
    clash = client.post(TIMETABLE, {**data, "assignment": world.reading1a.pk})
    assert clash.status_code == 400
    assert "Накладка в расписании." in clash.text
    assert "Накладка: у учителя в понедельник, урок №1 уже урок в 5А." in clash.text
    assert "Накладка: кабинет 101 в понедельник, урок №1 уже занят (5А)." in clash.text
    assert 'value="101"' in clash.text
    bad = client.post(TIMETABLE, {**data, "weekday": "6", "slot": "9"})
    assert bad.status_code == 400
    assert "День недели — от 1 до 5 (режим работы школы)." in bad.text
    assert "Урока №9 нет в расписании звонков." in bad.text
    assert count(TimetableEntry) == before


def test_deputy_and_director_read_the_timetable_by_class_and_teacher(
    world: Any, page_client: Any
) -> None:
    slot(world, world.math5a, 2, 3, "12")
    slot(world, world.reading1a, 3, 1)
    teacher = staff_of(world, "teacher")
    for persona in ("deputy", "director"):
        client = page_client(persona)
        page = client.get(f"{TIMETABLE}?class={world.class5a.pk}")
        assert page.status_code == 200
        assert "Расписание 5А" in page.text and "Математика" in page.text
        assert "Литературное чтение" not in page.text
        assert "Добавить урок в расписание" not in page.text
        page = client.get(f"{TIMETABLE}?teacher={teacher.pk}")
        assert page.status_code == 200
        assert "Математика" in page.text and "Литературное чтение" in page.text
        before = count(TimetableEntry)
        data = {"assignment": world.math5a.pk, "weekday": "4", "slot": "1"}
        assert client.post(TIMETABLE, data).status_code == 403
        assert count(TimetableEntry) == before


def test_timetable_is_closed_to_others(world: Any, page_client: Any, school2_user: Any) -> None:
    data = {"assignment": world.math5a.pk, "weekday": "4", "slot": "1"}
    for persona in ("secretary", "teacher", "class_teacher", "pupil", "parent"):
        client = page_client(persona)
        assert client.get(TIMETABLE).status_code == 403, persona
        assert client.post(TIMETABLE, data).status_code == 403
    other = school2_user("deputy")
    assert other.get(f"{TIMETABLE}?class={world.class5a.pk}").status_code == 404
    assert other.get(f"{TIMETABLE}?teacher={staff_of(world, 'teacher').pk}").status_code == 404
    assert count(TimetableEntry) == 0


def test_timetable_and_assignment_query_counts_do_not_grow(
    world: Any, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    client = page_client("journal_admin")
    teacher = staff_of(world, "teacher")
    urls = (
        ASSIGNMENTS,
        f"{TIMETABLE}?class={world.class5a.pk}",
        f"{TIMETABLE}?teacher={teacher.pk}",
    )
    slot(world, world.math5a, 1, 1)
    few = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        few[url] = len(ctx.captured_queries)
    with schema_context("school1"):
        boss = world.users["director"]
        for subject in (world.russian, world.pe):
            a = structure.teaching_assignment_create(
                teacher=teacher,
                subject=subject,
                class_group=world.class5a,
                weekly_hours=Decimal(2),
                by=boss,
            )
            for day in range(2, 6):
                structure.timetable_entry_create(
                    assignment=a, weekday=day, slot=3 if subject == world.pe else 4, by=boss
                )
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            page = client.get(url)
        assert "Физическая культура" in page.text


# ---------------------------------------------------------------- subgroups


def test_admin_creates_subgroups_and_splits_the_class(world: Any, page_client: Any) -> None:
    client = page_client("journal_admin")
    url = subgroups_url(world.class5a)
    assert "подгрупп ещё нет" in client.get(url).text
    for title in ("1 группа", "2 группа"):
        response = client.post(url, {"subject": world.russian.pk, "title": title}, follow=True)
        assert f"Подгруппа «{title}» создана." in response.text
    dupe = client.post(url, {"subject": world.russian.pk, "title": "1 группа"})
    assert dupe.status_code == 400 and "Такая подгруппа уже есть." in dupe.text
    with schema_context("school1"):
        first, second = Subgroup.objects.filter(class_group=world.class5a).order_by("title")
    pupils = [p.pk for p in world.pupils]
    split = {"action": "split", "subject": world.russian.pk}
    choice = {f"pupil_{pid}": first.pk for pid in pupils[:3]}
    choice[f"pupil_{pupils[3]}"] = second.pk
    bad = client.post(url, {**split, **choice})
    assert bad.status_code == 400
    assert "не распределено 1 чел." in bad.text
    assert f'<option value="{second.pk}" selected>' in bad.text  # the choice is kept
    assert count(SubgroupMember) == 0
    choice[f"pupil_{pupils[4]}"] = second.pk
    response = client.post(url, {**split, **choice}, follow=True)
    assert "Подгруппы по предмету «Русский язык» сохранены." in response.text
    with schema_context("school1"):
        assert SubgroupMember.objects.filter(subgroup=first).count() == 3
        assert SubgroupMember.objects.filter(subgroup=second).count() == 2


def test_subgroups_are_closed_to_others(world: Any, page_client: Any, school2_user: Any) -> None:
    url = subgroups_url(world.class5a)
    for persona in ("secretary", "class_teacher", "pupil", "parent"):
        client = page_client(persona)
        assert client.get(url).status_code == 403, persona
        assert client.post(url, {"subject": world.math.pk, "title": "Х"}).status_code == 403
    other = school2_user("journal_admin")
    assert other.get(url).status_code == 404
    assert other.post(url, {"subject": world.math.pk, "title": "Х"}).status_code == 404
    assert count(Subgroup) == 0
