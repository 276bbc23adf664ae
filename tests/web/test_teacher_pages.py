"""Teacher pages: today's lessons, the journal grid, the lesson page, keyboard-entry saving."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django_tenants.utils import schema_context

from journal.register.models import Attendance, Mark
from journal.register.services import MarkInput, marks_save


def post_json(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_teacher_sees_todays_lessons_and_substitution(world: Any, page_client: Any) -> None:
    html = page_client("teacher").get("/teacher/today/").content.decode()
    assert "Мои уроки сегодня" in html
    assert f"/lessons/{world.lesson_today.pk}/" in html
    assert f"/lessons/{world.lesson_1a.pk}/" in html
    sub = page_client("substitute").get("/teacher/today/").content.decode()
    assert f"/lessons/{world.lesson_subst.pk}/" in sub and "замена" in sub
    assert f"/lessons/{world.lesson_today.pk}/" not in sub


def test_home_sends_each_role_to_its_page(world: Any, page_client: Any) -> None:
    assert page_client("teacher").get("/")["Location"] == "/teacher/today/"
    assert page_client("parent").get("/")["Location"] == "/diary/"
    assert page_client("pupil").get("/")["Location"] == "/diary/"
    assert page_client("deputy").get("/")["Location"] == "/control/"
    assert page_client("journal_admin").get("/")["Location"] == "/manage/plans/import/"


@pytest.mark.usefixtures("school_day")  # today's lesson is in a running period
def test_grid_shows_open_columns_to_its_teacher_only(world: Any, page_client: Any) -> None:
    url = f"/journals/{world.math5a.pk}/"
    html = page_client("teacher").get(url).content.decode()
    assert 'class="g-in"' in html and "Сохранить" in html
    assert world.pupils[0].user.last_name in html
    deputy = page_client("deputy").get(url)
    assert deputy.status_code == 200 and 'class="g-in"' not in deputy.content.decode()
    assert page_client("other_teacher").get(url).status_code == 404
    assert page_client("pupil").get(url).status_code == 403
    assert page_client("parent").get(url).status_code == 403


@pytest.mark.usefixtures("school_day")  # today's lesson is in a running period
def test_keyboard_save_stores_marks_and_attendance_and_returns_averages(
    world: Any, page_client: Any
) -> None:
    client = page_client("teacher")
    p0, p1, p2 = world.pupils[:3]
    response = post_json(
        client,
        f"/lessons/{world.lesson_today.pk}/save/",
        {
            "work_kind": "test",
            "marks": [{"pupil_id": p0.pk, "value": 5}, {"pupil_id": p1.pk, "value": 3}],
            "attendance": [{"pupil_id": p2.pk, "code": "Н"}],
            "period_id": world.period.pk,
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["averages"][str(p0.pk)] == {"average": "5,00", "forecast": 5}
    with schema_context("school1"):
        assert Mark.objects.filter(lesson=world.lesson_today).count() == 2
        assert Mark.objects.get(pupil=p0, lesson=world.lesson_today).weight == 3
        assert Attendance.objects.get(pupil=p2, lesson=world.lesson_today).code == "Н"
    html = client.get(f"/journals/{world.math5a.pk}/").content.decode()
    assert ">5</span>" in html and 'value="Н"' in html


def test_bad_mark_is_refused_in_russian_and_nothing_is_saved(world: Any, page_client: Any) -> None:
    response = post_json(
        page_client("teacher"),
        f"/lessons/{world.lesson_today.pk}/save/",
        {
            "marks": [
                {"pupil_id": world.pupils[0].pk, "value": 5},
                {"pupil_id": world.pupils[1].pk, "value": 7},
            ]
        },
    )
    assert response.status_code == 400
    assert "недопустима" in json.dumps(response.json(), ensure_ascii=False)
    with schema_context("school1"):
        assert not Mark.objects.filter(lesson=world.lesson_today).exists()


def test_closed_lesson_is_locked_and_refuses_entry(world: Any, page_client: Any) -> None:
    client = page_client("teacher")
    response = post_json(
        client,
        f"/lessons/{world.lesson_old.pk}/save/",
        {"marks": [{"pupil_id": world.pupils[0].pk, "value": 5}]},
    )
    assert response.status_code == 400
    assert "Срок внесения отметок" in response.json()["detail"]
    html = client.get(f"/lessons/{world.lesson_old.pk}/").content.decode()
    assert "Срок заполнения истёк" in html and 'class="g-in"' not in html


def test_forged_posts_of_other_users_are_refused(world: Any, page_client: Any) -> None:
    body = {"marks": [{"pupil_id": world.pupils[0].pk, "value": 5}]}
    url = f"/lessons/{world.lesson_today.pk}/save/"
    # 403 from the identity issue's session guard, else 404 from the journal's selector.
    assert post_json(page_client("pupil"), url, body).status_code == 403
    assert post_json(page_client("parent"), url, body).status_code == 403
    assert post_json(page_client("other_teacher"), url, body).status_code == 404
    assert post_json(page_client("deputy"), url, body).status_code == 403
    with schema_context("school1"):
        assert not Mark.objects.exists()


def test_lesson_page_updates_topic_and_keeps_input_on_error(world: Any, page_client: Any) -> None:
    client = page_client("teacher")
    url = f"/lessons/{world.lesson_today.pk}/"
    ok = client.post(url, {"topic": "Дроби", "kind": "regular", "homework": "№ 12"})
    assert ok.status_code == 302
    first_grade = f"/lessons/{world.lesson_1a.pk}/"
    bad = client.post(first_grade, {"topic": "Буква А", "kind": "regular", "homework": "Прописи"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "домашние задания не задаются" in html
    assert 'value="Буква А"' in html and "Прописи" in html
    assert client.post(url, {"topic": "x", "kind": "nonsense"}).status_code == 400


@pytest.mark.usefixtures("school_day")  # today's lesson is in a running period
def test_correction_history_and_lock_on_lesson_page(world: Any, page_client: Any) -> None:
    from tests.catalog.adopt import adopt_rules

    adopt_rules("school1", correction={"allowed": True})  # the seeded default forbids them
    with schema_context("school1"):
        (mark,) = marks_save(
            lesson=world.lesson_today,
            marks=[MarkInput(world.pupils[0].pk, 3, "oral")],
            by=world.users["teacher"],
        )
    deputy = page_client("deputy")
    url = f"/marks/{mark.pk}/correct/"
    assert deputy.post(url, {"new_value": "4", "reason": ""}).status_code == 302
    html = deputy.get(f"/lessons/{world.lesson_today.pk}/").content.decode()
    assert "Укажите причину исправления." in html
    deputy.post(url, {"new_value": "4", "reason": "Ошибка при вводе"})
    html = page_client("teacher").get(f"/lessons/{world.lesson_today.pk}/").content.decode()
    assert "3 → 4" in html and "Ошибка при вводе" in html
    grid = page_client("teacher").get(f"/journals/{world.math5a.pk}/").content.decode()
    assert 'class="m c"' in grid and "Исправления:" in grid
    # The teacher may not correct (the template gives it to the deputy and the director).
    assert page_client("teacher").post(url, {"new_value": "5", "reason": "x"}).status_code == 302
    with schema_context("school1"):
        assert mark.corrections.count() == 1


def test_school2_user_gets_404_for_school1_ids(world: Any, school2_user: Any) -> None:
    for role in ("teacher", "director"):
        client = school2_user(role)
        for url in (
            f"/journals/{world.math5a.pk}/",
            f"/lessons/{world.lesson_today.pk}/",
        ):
            assert client.get(url).status_code == 404, (role, url)
        body = json.dumps({"marks": [{"pupil_id": world.pupils[0].pk, "value": 5}]})
        saved = client.post(
            f"/lessons/{world.lesson_today.pk}/save/", body, content_type="application/json"
        )
        assert saved.status_code == 404


def test_anonymous_is_sent_to_login(world: Any) -> None:
    from django.test import Client

    response = Client(HTTP_HOST="school1.localhost").get(f"/journals/{world.math5a.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The seeded regulation's written works (001 §2.4, 004 §8.5: a week for their marks).
WRITTEN = sorted(["dictation", "essay", "independent", "lab", "practical", "test"])


def open_columns(html: str) -> set[int]:
    """Lesson ids of the grid's columns that take entries now."""
    import re

    return {int(n) for n in re.findall(r'class="g-col g-open" data-l="(\d+)"', html)}


def kinds_offered(html: str, lesson_id: int) -> list[str]:
    import re

    select = re.search(rf'<select class="g-kind" data-l="{lesson_id}"[^>]*>(.*?)</select>', html)
    return re.findall(r'<option value="([^"]+)"', select.group(1)) if select else []


@pytest.mark.usefixtures("school_day")
def test_grid_columns_follow_the_deadline_from_the_end_of_lessons_les2(
    world: Any, page_client: Any
) -> None:
    """000 §3.9 as the school adopted it: entries until 3 hours after the class's last
    lesson (№5 ends 12:45 in the world's bell schedule): the grid opens today's column until
    15:45 and closes it after, as `marks_save` does."""
    import datetime as dt

    from tests import clock
    from tests.catalog.adopt import adopt_rules

    adopt_rules("school1", mark_entry_deadline_from="lessons_end", mark_entry_deadline_hours=3)
    url = f"/journals/{world.math5a.pk}/"
    with clock.on(world.today, dt.time(15, 40)):
        html = page_client("teacher").get(url).content.decode()
        assert "oral" in kinds_offered(html, world.lesson_today.pk)
    with clock.on(world.today, dt.time(15, 50)):
        html = page_client("teacher").get(url).content.decode()
        # Oral answers and homework are closed; written works keep their week (001 §2.4).
        assert sorted(kinds_offered(html, world.lesson_today.pk)) == WRITTEN


@pytest.mark.usefixtures("school_day")
def test_a_written_work_column_stays_open_for_written_kinds_only_mrk2(
    world: Any, page_client: Any
) -> None:
    """001 §2.4: a written work's marks are due within a week; an oral mark five days later
    is late. The grid keeps the five-day-old column open, offering only written kinds."""
    import datetime as dt

    from journal.register.models import Lesson

    with schema_context("school1"):
        old = Lesson.objects.create(
            assignment=world.math5a, date=world.today - dt.timedelta(days=5), slot=3
        )
        too_old = Lesson.objects.create(
            assignment=world.math5a, date=world.today - dt.timedelta(days=8), slot=3
        )
    html = page_client("teacher").get(f"/journals/{world.math5a.pk}/").content.decode()
    assert f'data-l="{too_old.pk}"' in html  # in the grid, as a closed column
    assert old.pk in open_columns(html) and too_old.pk not in open_columns(html)
    assert sorted(kinds_offered(html, old.pk)) == WRITTEN
    assert "oral" in kinds_offered(html, world.lesson_today.pk)
