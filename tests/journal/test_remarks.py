"""CTL-1 (002 п.5 Учитель е), 004 §8.6, 003 §6.4): the deputy records a remark on a
journal, the teacher sees it and mends it within the regulation's days, the deputy sees
what was mended (in time or late) and what is overdue."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.utils import timezone
from django_tenants.utils import schema_context

from catalog.rules import DEFAULT_RULES
from journal.control.models import Remark
from journal.control.services import mend_days
from tests.world import World

B = "/api/v1/control/remarks/"


def _remark(world: World, text: str = "Не заполнена тема урока", **extra: object) -> int:
    response = world.client("deputy").post(
        B + "create/",
        {"assignment_id": world.math5a.pk, "text": text, **extra},
        format="json",
    )
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def _statuses(world: World, persona: str, query: str = "") -> dict[int, str]:
    body = world.client(persona).get(B + query).json()
    return {r["id"]: r["status"] for r in body["results"]}


def test_deputy_records_a_remark_the_teacher_mends_it_ctl1(world: World) -> None:
    rid = _remark(world, lesson_id=world.lesson_yesterday.pk)
    rows = world.client("teacher").get(B).json()["results"]
    assert [(r["id"], r["journal"], r["lesson_id"], r["status"]) for r in rows] == [
        (rid, "5А Математика", world.lesson_yesterday.pk, "open")
    ]
    assert rows[0]["due_on"] == (world.today + dt.timedelta(days=7)).isoformat()
    assert rows[0]["written_by"] == world.users["deputy"].full_name
    # Another teacher neither sees nor mends it.
    assert _statuses(world, "other_teacher") == {}
    url = B + f"{rid}/mend/"
    assert world.client("other_teacher").post(url, {"note": "x"}, "json").status_code == 404
    assert world.client("deputy").post(url, {"note": "x"}, "json").status_code == 403
    empty = world.client("teacher").post(url, {"note": ""}, "json")
    assert empty.status_code == 400 and "note" in empty.json()["errors"]
    done = world.client("teacher").post(url, {"note": "Тема внесена"}, "json")
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["mend_note"]) == ("mended", "Тема внесена")
    again = world.client("teacher").post(url, {"note": "ещё раз"}, "json")
    assert again.status_code == 400
    assert again.json()["detail"].startswith("Замечание уже отмечено устранённым")
    assert _statuses(world, "deputy", "?status=mended") == {rid: "mended"}


def test_deputy_sees_overdue_and_late_mending_ctl1(world: World) -> None:
    first, second, third = (_remark(world, f"Замечание {i}") for i in range(3))
    later = world.today + dt.timedelta(days=8)
    with mock.patch.object(timezone, "localdate", return_value=later):
        assert _statuses(world, "deputy", "?status=overdue") == {
            first: "overdue",
            second: "overdue",
            third: "overdue",
        }
    with schema_context("school1"):
        # Mended on the ninth day: late.
        Remark.objects.filter(pk=second).update(
            mended_at=timezone.now() + dt.timedelta(days=9),
            mended_by=world.users["teacher"],
            mend_note="Исправлено",
        )
    with mock.patch.object(timezone, "localdate", return_value=later):
        assert _statuses(world, "deputy", "?status=mended_late") == {second: "mended_late"}
        assert set(_statuses(world, "deputy", "?status=overdue")) == {first, third}
        summary = world.client("deputy").get(B + "summary/").json()
    assert summary == [
        {
            "teacher_id": world.math5a.teacher_id,
            "teacher": str(world.math5a.teacher),
            "total": 3,
            "open": 0,
            "overdue": 2,
            "mended": 0,
            "mended_late": 1,
        }
    ]
    assert world.client("teacher").get(B + "summary/").status_code == 404


def test_remark_input_is_checked_and_only_the_deputy_writes_ctl1(world: World) -> None:
    bad = world.client("deputy").post(
        B + "create/",
        {"assignment_id": world.math5a.pk, "text": "Тема", "lesson_id": world.lesson_1a.pk},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"lesson_id": ["Урок не относится к этому журналу."]}
    blank = world.client("deputy").post(
        B + "create/", {"assignment_id": world.math5a.pk, "text": " "}, format="json"
    )
    assert blank.status_code == 400 and "text" in blank.json()["errors"]
    # The teacher and the class teacher see the journal but may not write a remark: 403;
    # the secretary's scope does not hold the journal at all: 404 (ROLE-1).
    for persona, code in (("teacher", 403), ("class_teacher", 403), ("secretary", 404)):
        refused = world.client(persona).post(
            B + "create/", {"assignment_id": world.math5a.pk, "text": "Замечание"}, "json"
        )
        assert refused.status_code == code, persona
    with schema_context("school1"):
        assert not Remark.objects.exists()


def test_mend_days_come_from_the_regulation_ctl1() -> None:
    assert mend_days(DEFAULT_RULES) == DEFAULT_RULES.correction.window_days == 7
