"""Administration: classes (list, create, change the class teacher) and academic years."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from guardian.shortcuts import get_perms

from journal.structure import services as structure
from journal.structure.models import AcademicYear, ClassGroup, ReportingPeriod, StaffMember

CLASSES = "/manage/classes/"
YEARS = "/manage/years/"


def teacher_url(group: Any) -> str:
    return f"/manage/classes/{group.pk}/teacher/"


def count(model: Any) -> int:
    with schema_context("school1"):
        return int(model.objects.count())


def staff_of(world: Any, persona: str) -> StaffMember:
    with schema_context("school1"):
        return StaffMember.objects.get(user=world.users[persona])


def test_journal_admin_lists_and_creates_a_class(world: Any, page_client: Any) -> None:
    client = page_client("journal_admin")
    page = client.get(CLASSES)
    assert page.status_code == 200
    html = page.content.decode()
    assert "5А" in html and "5Б" in html and "1А" in html
    assert "Классная" in html  # the class teacher of 5А
    assert "Новый класс" in html and teacher_url(world.class5a) in html
    teacher = staff_of(world, "other_teacher")
    response = client.post(
        CLASSES,
        {"year": world.year.pk, "grade": "7", "letter": "в", "class_teacher": teacher.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "Класс 7В создан." in response.content.decode()
    with schema_context("school1"):
        group = ClassGroup.objects.get(grade=7, letter="В")
        assert group.class_teacher_id == teacher.pk
        assert "lead_class" in get_perms(world.users["other_teacher"], group)


def test_secretary_and_deputy_read_classes_but_secretary_creates_none(
    world: Any, page_client: Any
) -> None:
    secretary = page_client("secretary")
    page = secretary.get(CLASSES)
    assert page.status_code == 200
    assert "5А" in page.content.decode() and "Новый класс" not in page.content.decode()
    before = count(ClassGroup)
    assert (
        secretary.post(CLASSES, {"year": world.year.pk, "grade": 7, "letter": "В"}).status_code
        == 403
    )
    assert page_client("deputy").get(CLASSES).status_code == 200
    assert count(ClassGroup) == before


def test_bad_class_is_refused_in_russian_and_keeps_the_input(world: Any, page_client: Any) -> None:
    client = page_client("journal_admin")
    before = count(ClassGroup)
    response = client.post(CLASSES, {"year": world.year.pk, "grade": "5", "letter": "А"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Класс 5А уже есть в этом учебном году." in html
    assert 'name="grade" value="5"' in html and 'value="А"' in html
    response = client.post(CLASSES, {"year": world.year.pk, "grade": "12", "letter": "Q"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Параллель — число от 1 до 11." in html
    assert "Литера класса — заглавная русская буква" in html and 'value="12"' in html
    response = client.post(CLASSES, {"year": "", "grade": "x", "letter": ""})
    assert response.status_code == 400
    assert "Параллель — число." in response.content.decode()
    assert count(ClassGroup) == before


def test_change_class_teacher_moves_the_right(world: Any, page_client: Any) -> None:
    client = page_client("journal_admin")
    assert client.get(teacher_url(world.class5a)).status_code == 200
    new = staff_of(world, "other_teacher")
    response = client.post(teacher_url(world.class5a), {"class_teacher": new.pk}, follow=True)
    assert response.status_code == 200
    assert "Классный руководитель 5А: Русакова Тест." in response.content.decode()
    with schema_context("school1"):
        group = ClassGroup.objects.get(pk=world.class5a.pk)
        assert group.class_teacher_id == new.pk
        assert "lead_class" in get_perms(world.users["other_teacher"], group)
        assert "lead_class" not in get_perms(world.users["class_teacher"], group)
    bad = client.post(teacher_url(world.class5a), {"class_teacher": "999999"})
    assert bad.status_code == 400
    assert "Выберите значение из списка." in bad.content.decode()


def test_teachers_pupils_parents_and_other_schools_get_nothing(
    world: Any, page_client: Any, school2_user: Any
) -> None:
    before = count(ClassGroup)
    for persona in ("teacher", "class_teacher", "pupil", "parent"):
        client = page_client(persona)
        assert client.get(CLASSES).status_code == 403, persona
        assert (
            client.post(CLASSES, {"year": world.year.pk, "grade": 8, "letter": "А"}).status_code
            == 403
        )
        assert client.get(teacher_url(world.class5a)).status_code == 403
        assert client.post(teacher_url(world.class5a), {"class_teacher": ""}).status_code == 403
        assert client.get(YEARS).status_code == 403
    secretary = page_client("secretary")
    assert secretary.post(teacher_url(world.class5a), {"class_teacher": ""}).status_code == 403
    other = school2_user("journal_admin")
    assert other.get(teacher_url(world.class5a)).status_code == 404
    assert other.post(teacher_url(world.class5a), {"class_teacher": ""}).status_code == 404
    assert other.get(f"{CLASSES}?year={world.year.pk}").status_code == 404
    assert count(ClassGroup) == before
    with schema_context("school1"):
        assert ClassGroup.objects.get(pk=world.class5a.pk).class_teacher_id is not None


def test_class_list_query_count_does_not_grow(
    world: Any, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    client = page_client("journal_admin")
    with CaptureQueriesContext(connection) as few:
        assert client.get(CLASSES).status_code == 200
    with schema_context("school1"):
        for grade in range(2, 12):
            structure.class_group_create(
                year=world.year,
                grade=grade,
                letter="Д",
                class_teacher=StaffMember.objects.get(user=world.users["teacher"]),
                by=world.users["director"],
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(CLASSES)
    assert "11Д" in page.content.decode()


def test_years_with_periods_and_year_creation(world: Any, page_client: Any) -> None:
    page = page_client("secretary").get(YEARS)
    assert page.status_code == 200
    html = page.content.decode()
    assert world.year.title in html and "1-я четверть" in html and "текущий" in html
    assert "Новый учебный год" not in html
    assert page_client("secretary").post(YEARS, {"title": "2030/2031"}).status_code == 403
    client = page_client("journal_admin")
    data = {
        "title": "2030/2031",
        "starts_on": "2030-09-01",
        "ends_on": "2031-05-31",
        "days_per_week": "5",
    }
    response = client.post(YEARS, data, follow=True)
    assert response.status_code == 200
    assert "Учебный год 2030/2031 создан." in response.content.decode()
    with schema_context("school1"):
        year = AcademicYear.objects.get(title="2030/2031")
        assert not year.is_current  # the checkbox was not ticked
        assert ReportingPeriod.objects.filter(year=year).count() == 6
    before = count(AcademicYear)
    bad = client.post(YEARS, {**data, "ends_on": "2030-08-01"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Учебный год 2030/2031 уже создан." in html
    assert "Окончание учебного года должно быть позже начала." in html
    assert 'value="2030-08-01"' in html
    bad = client.post(YEARS, {**data, "title": "2030-41"})
    assert bad.status_code == 400
    assert "Учебный год в виде ГГГГ/ГГГГ" in bad.content.decode()
    assert count(AcademicYear) == before


def test_years_query_count_does_not_grow(
    world: Any, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    import datetime as dt

    client = page_client("journal_admin")
    with CaptureQueriesContext(connection) as few:
        assert client.get(YEARS).status_code == 200
    with schema_context("school1"):
        for y in range(2027, 2032):
            structure.academic_year_create(
                title=f"{y}/{y + 1}",
                starts_on=dt.date(y, 9, 1),
                ends_on=dt.date(y + 1, 5, 31),
                make_current=False,
                by=world.users["director"],
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "2031/2032" in client.get(YEARS).content.decode()
