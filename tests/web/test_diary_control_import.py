"""Diary (pupil, parent), journal-keeping control (deputy), КТП import (administration),
class teacher's day: access, Russian errors, fixed query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from journal.planning.models import ThematicPlan
from journal.planning.services import curriculum_line_save
from journal.register.services import (
    AttendanceInput,
    MarkInput,
    attendance_save,
    marks_save,
)
from journal.roster import services as roster
from tests.factories import journal_fill
from tests.world import World


def seed_marks(world: World) -> None:
    with schema_context("school1"):
        marks_save(
            lesson=world.lesson_today,
            marks=[MarkInput(p.pk, 4, "oral") for p in world.pupils],
            by=world.users["teacher"],
        )
        attendance_save(
            lesson=world.lesson_yesterday,
            entries=[AttendanceInput(world.pupils[1].pk, "Н")],
            by=world.users["teacher"],
        )


def queries_of(client: Client, url: str) -> int:
    """SQL queries of a warm request to `url` (the first request fills the caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("school_day")  # today's lesson is in a running period
def test_parent_sees_the_childs_marks_average_and_what_is_needed(
    world: World, page_client: Any
) -> None:
    seed_marks(world)
    html = page_client("parent").get("/diary/").content.decode()
    assert "Дневник: Ученик00 Иван" in html
    assert "Математика" in html and "4,00" in html
    assert "ещё" in html and "«5»" in html  # what is needed for a «5»
    assert 'class="g-in"' not in html and '<form method="post"' not in html


def test_parent_with_two_children_switches_between_them(world: World, page_client: Any) -> None:
    with schema_context("school1"):
        from journal.roster.models import Guardian

        parent = Guardian.objects.get(user=world.users["parent"])
        roster.guardian_link_create(
            guardian=parent, pupil=world.pupils[1], relation="mother", by=world.users["director"]
        )
        roster.consent_record(
            pupil=world.pupils[1],
            guardian=parent,
            signed_on=world.today,
            scan_reference="scan/0003.pdf",
            by=world.users["secretary"],
        )
    client = page_client("parent")
    html = client.get("/diary/").content.decode()
    assert 'aria-label="Дети"' in html
    second = client.get(f"/diary/?child={world.pupils[1].pk}").content.decode()
    assert "Дневник: Ученик01 Иван" in second
    # Someone else's child is not reachable by id.
    assert client.get(f"/diary/?child={world.other_pupil.pk}").status_code == 404


def test_pupil_sees_own_diary_and_nothing_else(world: World, page_client: Any) -> None:
    seed_marks(world)
    client = page_client("pupil")
    html = client.get("/diary/").content.decode()
    assert "Дневник: Ученик00 Иван" in html
    assert "data-grid" not in html and 'class="g-in"' not in html
    assert html.count('method="post"') == 1  # only "Выйти"
    assert client.get(f"/diary/?child={world.pupils[1].pk}").status_code == 404
    for url in (
        "/teacher/today/",
        "/control/",
        f"/journals/{world.math5a.pk}/",
        "/manage/plans/import/",
        "/class/day/",
    ):
        assert client.get(url).status_code == 403, url


def test_staff_without_children_get_no_diary(world: World, page_client: Any) -> None:
    assert page_client("teacher").get("/diary/").status_code == 403


@pytest.mark.usefixtures("school_day")  # today's lesson is in a running period
def test_diary_query_count_does_not_grow_with_marks(world: World, page_client: Any) -> None:
    """A few marks and thirty lessons' worth more: the same number of queries."""
    seed_marks(world)
    client = page_client("parent")
    few = queries_of(client, "/diary/")
    with schema_context("school1"):
        journal_fill(world, pupils=len(world.pupils), lessons=30)
    assert queries_of(client, "/diary/") == few


def test_deputy_control_view_links_each_problem_to_its_lesson(
    world: World, page_client: Any
) -> None:
    seed_marks(world)
    start = (world.today - dt.timedelta(days=30)).isoformat()
    html = page_client("deputy").get(f"/control/?from={start}").content.decode()
    assert "Контроль ведения журнала" in html and "Математикова" in html
    assert f'href="/lessons/{world.lesson_old.pk}/"' in html  # no topic, nothing recorded
    assert "нет темы" in html and "нет отметок и посещаемости" in html
    lesson = page_client("deputy").get(f"/lessons/{world.lesson_old.pk}/")
    assert lesson.status_code == 200 and "Сохранить урок" not in lesson.content.decode()


def test_control_view_is_for_the_director_and_deputies_only(
    world: World, page_client: Any, school2_user: Any
) -> None:
    for persona in ("teacher", "class_teacher", "journal_admin", "secretary"):
        assert page_client(persona).get("/control/").status_code == 404, persona
    for persona in ("pupil", "parent"):
        assert page_client(persona).get("/control/").status_code == 403
    assert page_client("director").get("/control/").status_code == 200


def test_page_query_counts_do_not_grow_with_marks(world: World, page_client: Any) -> None:
    """The grid, the teacher's day, control, a lesson and the class day: the same number of
    queries with a few marks as with thirty lessons' worth more."""
    seed_marks(world)
    pages = {
        "teacher": [f"/journals/{world.math5a.pk}/", "/teacher/today/"],
        "deputy": ["/control/", f"/lessons/{world.lesson_today.pk}/"],
        "class_teacher": ["/class/day/"],
    }
    clients = {persona: page_client(persona) for persona in pages}
    few = {url: queries_of(clients[p], url) for p, urls in pages.items() for url in urls}
    with schema_context("school1"):
        journal_fill(world, pupils=len(world.pupils), lessons=30)
    many = {url: queries_of(clients[p], url) for p, urls in pages.items() for url in urls}
    assert many == few


CSV_OK = "№;Тема;Часы;Дата\n1;Натуральные числа;2;01.09.2025\n2;Дроби;2;08.09.2025\n"
CSV_BAD_ROW = (
    "№;Тема;Часы;Дата\n1;Натуральные числа;2;01.09.2025\n2;;2;08.09.2025\n3;Дроби;x;09.09.2025\n"
)


def _upload(client: Any, world: World, content: str) -> Any:
    return client.post(
        "/manage/plans/import/",
        {
            "step": "check",
            "assignment": world.math5a.pk,
            "file": SimpleUploadedFile("ktp.csv", content.encode(), "text/csv"),
        },
    )


def test_plan_import_shows_row_errors_and_saves_nothing(world: World, page_client: Any) -> None:
    with schema_context("school1"):
        curriculum_line_save(
            year=world.year,
            grade=5,
            subject=world.math,
            hours_per_year=4,
            by=world.users["director"],
        )
    client = page_client("journal_admin")
    bad = _upload(client, world, CSV_BAD_ROW)
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Файл не загружен" in html and "row--error" in html
    assert "пустая тема" in html and "ожидаются №, тема, часы" in html
    assert "Загрузить КТП" not in html
    with schema_context("school1"):
        assert not ThematicPlan.objects.exists()
    good = _upload(client, world, CSV_OK)
    assert good.status_code == 200 and "Ошибок нет: 2 тем" in good.content.decode()
    with schema_context("school1"):
        assert not ThematicPlan.objects.exists()  # the check saves nothing
    token = good.content.decode().split('name="token" value="')[1].split('"')[0]
    saved = client.post("/manage/plans/import/", {"step": "save", "token": token})
    assert saved.status_code == 302
    with schema_context("school1"):
        assert ThematicPlan.objects.get().total_hours == 4


def test_plan_import_form_errors_are_russian_and_keep_the_choice(
    world: World, page_client: Any
) -> None:
    client = page_client("journal_admin")
    response = client.post(
        "/manage/plans/import/", {"step": "check", "assignment": world.math5a.pk}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Выберите файл КТП." in html
    assert f'<option value="{world.math5a.pk}" selected>' in html
    hours = _upload(client, world, CSV_OK)  # no curriculum line yet
    assert "учебном плане нет" in hours.content.decode()


def test_plan_import_is_closed_to_teachers_pupils_and_other_schools(
    world: World, page_client: Any, school2_user: Any
) -> None:
    assert page_client("teacher").get("/manage/plans/import/").status_code == 403
    assert page_client("pupil").get("/manage/plans/import/").status_code == 403
    other = school2_user("journal_admin")
    response = _upload(other, world, CSV_OK)
    assert response.status_code == 400  # school1's assignment id is not a choice there
    assert "Ошибок нет" not in response.content.decode()


def test_class_teacher_sets_the_reason_of_an_absence(world: World, page_client: Any) -> None:
    seed_marks(world)
    client = page_client("class_teacher")
    yesterday = world.lesson_yesterday.date.isoformat()
    html = client.get(f"/class/day/?date={yesterday}").content.decode()
    assert "Ученик01" in html and "причина" in html.lower()
    with schema_context("school1"):
        from journal.register.models import Attendance

        att = Attendance.objects.get(lesson=world.lesson_yesterday)
    response = client.post(
        f"/class/attendance/{att.pk}/reason/", {"code": "Б", "note": "справка", "back": "/x"}
    )
    assert response.status_code == 302
    with schema_context("school1"):
        att.refresh_from_db()
        assert att.code == "Б" and att.reason_note == "справка"
    assert (
        page_client("teacher")
        .post(f"/class/attendance/{att.pk}/reason/", {"code": "У"})
        .status_code
        == 404
    )
    assert page_client("teacher").get("/class/day/").content.decode().count("не назначены") == 1


def test_school2_users_get_nothing_of_school1(world: World, school2_user: Any) -> None:
    director = school2_user("director")
    assert director.get(f"/lessons/{world.lesson_old.pk}/").status_code == 404
    assert (
        director.get(f"/class/day/?class={world.class5a.pk}").status_code == 404
    )  # another school's class: not found here
    assert "Ученик00" not in director.get("/control/").content.decode()
    assert director.post("/marks/1/correct/", {"new_value": "5", "reason": "x"}).status_code == 404
