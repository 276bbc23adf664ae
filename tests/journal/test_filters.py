"""Query-string filters of the journal's lists: by class, parallel, surname, date range,
period; bad values are a 400 in Russian, never a 500 (SET-2, SET-3, SET-4, LES-1, ROLE-4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tenants.utils import schema_context

from journal.register.models import Lesson
from journal.structure.models import ReportingPeriod
from tests.world import World

B = "/api/v1/"


def _items(response: object) -> list[dict[str, Any]]:
    body = response.json()  # type: ignore[attr-defined]
    return list(body["results"] if isinstance(body, dict) else body)


def test_class_list_by_year_and_grade_set2(world: World) -> None:
    client = world.client("deputy")
    assert {c["title"] for c in _items(client.get(B + "structure/classes/?grade=5"))} == {
        "5А",
        "5Б",
    }
    assert (
        _items(client.get(B + f"structure/classes/?year_id={world.year.pk}&grade=1"))[0]["title"]
        == "1А"
    )
    assert _items(client.get(B + f"structure/classes/?year_id={world.year.pk + 999}")) == []
    bad = client.get(B + "structure/classes/?grade=12")
    assert bad.status_code == 400
    assert bad.json()["errors"]["grade"] == ["Убедитесь, что это значение меньше либо равно 11."]


def test_pupil_list_by_class_grade_and_surname_set4(world: World) -> None:
    client = world.client("secretary")
    by_class = _items(client.get(B + f"roster/pupils/?class_group_id={world.class5b.pk}"))
    assert [p["last_name"] for p in by_class] == ["Другой"]
    by_grade = _items(client.get(B + "roster/pupils/?grade=1"))
    assert {p["last_name"] for p in by_grade} == {"Первоклассник0", "Первоклассник1"}
    found = _items(client.get(B + "roster/pupils/?search=ученик0"))
    assert {p["last_name"] for p in found} == {f"Ученик0{i}" for i in range(5)}
    bad = client.get(B + "roster/pupils/?class_group_id=пятый")
    assert bad.status_code == 400
    assert bad.json()["errors"]["class_group_id"] == ["Введите правильное число."]
    # A filter never widens the rights: the parent sees only their child whatever asked.
    assert len(_items(world.client("parent").get(B + "roster/pupils/?grade=5"))) == 1


def test_lesson_list_by_date_range_and_period_les1(world: World) -> None:
    client = world.client("teacher")
    url = B + f"register/assignments/{world.math5a.pk}/lessons/"
    yesterday = (world.today - dt.timedelta(days=1)).isoformat()
    only = _items(client.get(url + f"?date_from={yesterday}&date_to={yesterday}"))
    assert [lesson["id"] for lesson in only] == [world.lesson_yesterday.pk]
    with schema_context("school1"):
        period = world.period
        first = Lesson.objects.create(assignment=world.math5a, date=period.starts_on, slot=7)
        last = Lesson.objects.create(assignment=world.math5a, date=period.ends_on, slot=7)
        Lesson.objects.create(
            assignment=world.math5a, date=period.ends_on + dt.timedelta(days=1), slot=7
        )
        # The world's own lessons (today, yesterday, 20 days ago) count where they fall.
        expected = {first.pk, last.pk} | {
            lesson.pk
            for lesson in Lesson.objects.filter(assignment=world.math5a, slot__lt=7)
            if period.starts_on <= lesson.date <= period.ends_on
        }
        other = next(
            p
            for p in ReportingPeriod.objects.filter(
                year=world.year, grade_from__lte=5, grade_to__gte=5
            ).exclude(pk=period.pk)
            if not Lesson.objects.filter(
                assignment=world.math5a, date__gte=p.starts_on, date__lte=p.ends_on
            ).exists()
        )
    in_period = _items(client.get(url + f"?period_id={period.pk}"))
    assert {lesson["id"] for lesson in in_period} == expected
    assert _items(client.get(url + f"?period_id={other.pk}")) == []
    bad = client.get(url + "?date_from=вчера")
    assert bad.status_code == 400 and "date_from" in bad.json()["errors"]
    reversed_range = client.get(url + f"?date_from={world.today}&date_to={yesterday}")
    assert reversed_range.json()["errors"]["date_to"] == ["Конец периода раньше начала."]


def test_timetable_filters_are_validated_set3(world: World) -> None:
    client = world.client("teacher")
    assert client.get(B + "structure/timetable/?class_group_id=abc").status_code == 400
    assert client.get(B + "structure/timetable/").status_code == 404  # one filter is required


def test_access_log_by_pupil_user_and_dates_role4(world: World) -> None:
    client = world.client("director")
    pupil = world.pupils[0]
    world.client("teacher").get(B + f"roster/pupils/{pupil.pk}/")
    teacher_id = world.users["teacher"].pk
    rows = _items(client.get(B + f"audit/log/?pupil_id={pupil.pk}&user_id={teacher_id}"))
    assert rows and all(r["user_id"] == teacher_id and pupil.pk in r["pupil_ids"] for r in rows)
    assert {r["what"] for r in rows} == {"roster.pupil"}
    tomorrow = (world.today + dt.timedelta(days=1)).isoformat()
    assert _items(client.get(B + f"audit/log/?date_from={tomorrow}")) == []
    assert client.get(B + "audit/log/?user_id=x").status_code == 400
