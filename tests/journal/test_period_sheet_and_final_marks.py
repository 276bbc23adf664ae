"""MRK-3: the period sheet (average, suggested mark), the school order's deadlines, special
values, final marks by the adopted rule with the teacher's confirmation; DIA-2: the diary
shows a quarter mark as soon as it is given."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from journal.register import services as reg
from journal.register.models import Lesson, MarkDeadline, PeriodMark, PeriodMarkValue
from journal.roster import services as roster
from tests import clock
from tests.world import World

B = "/api/v1/register/"


def _marks(world: World) -> None:
    """pupils[0]: «4» (test, weight 3) five days before the period ends and «5» (oral,
    weight 1) the day after → 4.25; pupils[1]: «3». Each entered on its lesson's day, in
    time, inside the period (and after the world's pupils arrived) on any test day."""
    teacher = world.users["teacher"]
    first = world.period.ends_on - dt.timedelta(days=5)
    second = first + dt.timedelta(days=1)
    with clock.on(first, at=dt.time(15, 0)):
        reg.marks_save(
            lesson=Lesson.objects.create(assignment=world.math5a, date=first, slot=6),
            marks=[
                reg.MarkInput(world.pupils[0].pk, 4, "test"),
                reg.MarkInput(world.pupils[1].pk, 3, "oral"),
            ],
            by=teacher,
        )
    with clock.on(second, at=dt.time(15, 0)):
        reg.marks_save(
            lesson=Lesson.objects.create(assignment=world.math5a, date=second, slot=6),
            marks=[reg.MarkInput(world.pupils[0].pk, 5, "oral")],
            by=teacher,
        )


def _in_window(world: World):
    """Period marks open only in the period's last 14 days: three days before its end."""
    return clock.on(world.period.ends_on - dt.timedelta(days=3))


def _sheet(world: World, persona: str = "teacher") -> dict:
    response = world.client(persona).get(
        B + f"period-sheet/?assignment_id={world.math5a.pk}&period_id={world.period.pk}"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_period_sheet_shows_average_suggested_mark_and_deadline_mrk3(world: World) -> None:
    with schema_context("school1"):
        _marks(world)  # the lessons' marks, in time, inside the period
    with _in_window(world):
        with schema_context("school1"):
            reg.period_mark_create(
                pupil=world.pupils[1],
                assignment=world.math5a,
                kind="period",
                value="3",
                period=world.period,
                by=world.users["teacher"],
            )
        body = _sheet(world)
        rows = {r["pupil_id"]: r for r in body["rows"]}
        first, second = rows[world.pupils[0].pk], rows[world.pupils[1].pk]
        assert (first["marks"], first["average"], first["suggested"], first["value"]) == (
            [4, 5],
            "4.25",
            4,
            None,
        )
        assert (second["average"], second["suggested"], second["value"]) == ("3.00", 3, "3")
        assert rows[world.pupils[2].pk]["suggested"] is None
        assert body["state"] == "open" and body["may_write"] is True
        assert body["due_on"] == (world.period.ends_on + dt.timedelta(days=7)).isoformat()
        assert body["due_source"] == "по положению"
        assert set(PeriodMarkValue.SPECIAL) <= set(body["allowed_values"])
        # The class teacher reads the sheet but may not write it.
        assert _sheet(world, "class_teacher")["may_write"] is False


def test_period_sheet_queries_do_not_grow_with_the_class_mrk3(world: World) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _sheet(world)
        return len(ctx.captured_queries)

    with schema_context("school1"):
        _marks(world)
    count()  # warm the per-school caches (host, work kinds)
    small = count()
    with schema_context("school1"):
        for i in range(10):
            pupil = roster.pupil_create(
                last_name=f"Добавленный{i}",
                first_name="Яков",
                class_group=world.class5a,
                enrolled_on=world.today - dt.timedelta(days=30),
                order_number=f"90-у/{i}",
                by=world.users["secretary"],
            )
            reg.marks_save(
                lesson=world.lesson_today,
                marks=[reg.MarkInput(pupil.pk, 4, "oral")],
                by=world.users["teacher"],
            )
    assert count() == small


def test_deputy_sets_the_order_deadline_and_it_locks_period_marks_mrk3(world: World) -> None:
    ends = world.period.ends_on
    payload = {
        "kind": "period",
        "period_id": world.period.pk,
        "due_on": ends.isoformat(),
        "order_number": "45-о",
        "order_date": world.today.isoformat(),
    }
    url = B + f"years/{world.year.pk}/mark-deadlines/set/"
    refused = world.client("teacher").post(url, payload, format="json")
    assert refused.status_code == 403
    early = world.client("deputy").post(
        url, {**payload, "due_on": (ends - dt.timedelta(days=1)).isoformat()}, format="json"
    )
    assert early.status_code == 400
    assert early.json()["errors"]["due_on"] == [
        f"Срок не может быть раньше окончания периода ({ends:%d.%m.%Y})."
    ]
    with schema_context("school1"):
        assert not MarkDeadline.objects.exists()
    assert world.client("deputy").post(url, payload, format="json").status_code == 201
    listed = world.client("teacher").get(B + f"years/{world.year.pk}/mark-deadlines/").json()
    line = next(x for x in listed if x["period_id"] == world.period.pk)
    assert (line["due_on"], line["source"]) == (
        ends.isoformat(),
        f"приказ № 45-о от {world.today:%d.%m.%Y}",
    )
    assert {x["kind"] for x in listed} == {"period", "year", "exam", "final"}
    with mock.patch.object(timezone, "localdate", return_value=ends + dt.timedelta(days=1)):
        assert _sheet(world)["state"] == "locked"
        response = world.client("teacher").post(
            B + "period-marks/create/",
            {
                "pupil_id": world.pupils[0].pk,
                "assignment_id": world.math5a.pk,
                "period_id": world.period.pk,
                "kind": "period",
                "value": "5",
            },
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"Срок выставления отметки истёк {ends:%d.%m.%Y} (приказ школы)."
    )
    with schema_context("school1"):
        assert not PeriodMark.objects.exists()


def test_special_values_and_refusal_list_mrk3(world: World) -> None:
    with _in_window(world):
        with schema_context("school1"):
            for pupil, value in zip(world.pupils, PeriodMarkValue.SPECIAL, strict=False):
                mark = reg.period_mark_create(
                    pupil=pupil,
                    assignment=world.math5a,
                    kind="period",
                    value=value,
                    period=world.period,
                    by=world.users["teacher"],
                )
                assert mark.value == value
        body = _sheet(world)
        given = [r["value"] for r in body["rows"] if r["value"]]
        assert sorted(given) == sorted(PeriodMarkValue.SPECIAL)


@pytest.mark.parametrize(
    ("year", "exam", "rule", "final"),
    [
        ("4", None, reg.FINAL_RULE_YEAR_EXAM_MEAN, "4"),
        ("4", "5", reg.FINAL_RULE_YEAR_EXAM_MEAN, "5"),
        ("3", "4", reg.FINAL_RULE_YEAR_EXAM_MEAN, "4"),
        ("4", "3", reg.FINAL_RULE_YEAR_EXAM_MEAN, "4"),
        ("5", "3", reg.FINAL_RULE_YEAR_EXAM_MEAN, "4"),
        ("4", "5", reg.FINAL_RULE_YEAR, "4"),
        ("н/а", "5", reg.FINAL_RULE_YEAR_EXAM_MEAN, "н/а"),
        ("4", "н/а", reg.FINAL_RULE_YEAR_EXAM_MEAN, None),
        (None, "5", reg.FINAL_RULE_YEAR_EXAM_MEAN, None),
    ],
)
def test_final_mark_rule_mrk3(year: str | None, exam: str | None, rule: str, final: str) -> None:
    assert reg.derive_final(year, exam, rule) == final


def test_final_marks_are_proposed_and_confirmed_by_the_teacher_mrk3(world: World) -> None:
    near_end = world.year.ends_on - dt.timedelta(days=3)
    p = world.pupils
    teacher = world.users["teacher"]
    with (
        schema_context("school1"),
        mock.patch.object(timezone, "localdate", return_value=near_end),
    ):
        for pupil, value in ((p[0], "4"), (p[1], "5"), (p[2], PeriodMarkValue.NOT_ATTESTED)):
            reg.period_mark_create(
                pupil=pupil, assignment=world.math5a, kind="year", value=value, by=teacher
            )
        reg.period_mark_create(
            pupil=p[0], assignment=world.math5a, kind="exam", value="5", by=teacher
        )
    with mock.patch.object(timezone, "localdate", return_value=near_end):
        sheet = world.client("teacher").get(B + f"year-sheet/?assignment_id={world.math5a.pk}")
        assert sheet.status_code == 200
        rows = {r["pupil_id"]: r for r in sheet.json()["rows"]}
        assert [rows[x.pk]["proposed_final"] for x in p[:4]] == ["5", "5", "н/а", None]
        assert sheet.json()["final_rule"] == reg.DEFAULT_FINAL_RULE
        url = B + f"assignments/{world.math5a.pk}/final-marks/confirm/"
        missing = world.client("teacher").post(url, {"pupil_ids": [p[0].pk, p[3].pk]}, "json")
        assert missing.status_code == 400
        assert missing.json()["errors"] == {
            "pupil_ids[1]": ["Нет годовой отметки: итоговую вывести нельзя."]
        }
        other = world.client("class_teacher").post(url, {"pupil_ids": [p[0].pk]}, "json")
        assert other.status_code == 403
        with schema_context("school1"):
            assert not PeriodMark.objects.filter(kind="final").exists()
        done = world.client("teacher").post(url, {"pupil_ids": [x.pk for x in p[:3]]}, "json")
        assert done.status_code == 201, done.content
        again = world.client("teacher").post(url, {"pupil_ids": [p[0].pk]}, "json")
        assert again.json()["errors"] == {"pupil_ids[0]": ["Итоговая отметка уже выставлена."]}
    with schema_context("school1"):
        finals = dict(PeriodMark.objects.filter(kind="final").values_list("pupil_id", "value"))
    assert finals == {p[0].pk: "5", p[1].pk: "5", p[2].pk: "н/а"}
    # The family sees the year, exam and final marks at once (DIA-2, 002 Регламент п.2).
    diary = world.client("parent").get(B + f"pupils/{p[0].pk}/year-marks/").json()
    assert [(s["year"], s["exam"], s["final"]) for s in diary["subjects"]] == [("4", "5", "5")]


def test_parent_sees_a_quarter_mark_right_after_it_is_given_dia2(world: World) -> None:
    with _in_window(world):
        url = B + f"pupils/{world.pupils[0].pk}/year-marks/"
        before = world.client("parent").get(url)
        assert before.status_code == 200
        assert before.json()["subjects"] == []
        given = world.client("teacher").post(
            B + "period-marks/create/",
            {
                "pupil_id": world.pupils[0].pk,
                "assignment_id": world.math5a.pk,
                "period_id": world.period.pk,
                "kind": "period",
                "value": "5",
            },
            format="json",
        )
        assert given.status_code == 201
        body = world.client("parent").get(url).json()
        assert body["year"]["id"] == world.year.pk
        assert [(s["subject"], s["periods"]) for s in body["subjects"]] == [
            ("Математика", {str(world.period.pk): "5"})
        ]
        assert world.client("pupil").get(url).json()["subjects"][0]["periods"] == {
            str(world.period.pk): "5"
        }
        assert world.client("other_parent").get(url).status_code == 404


def test_sheet_marks_saved_at_once_all_or_nothing_mrk3(world: World) -> None:
    with _in_window(world):
        url = B + "period-sheet/save/"
        payload = {
            "assignment_id": world.math5a.pk,
            "period_id": world.period.pk,
            "kind": "period",
            "marks": [
                {"pupil_id": world.pupils[0].pk, "value": "5"},
                {"pupil_id": world.pupils[1].pk, "value": "6"},
                {"pupil_id": world.other_pupil.pk, "value": "4"},
            ],
        }
        bad = world.client("teacher").post(url, payload, format="json")
        assert bad.status_code == 400
        assert set(bad.json()["errors"]) == {"marks[1]", "marks[2]"}
        assert bad.json()["errors"]["marks[2]"] == ["Обучающийся не учится в этом классе."]
        with schema_context("school1"):
            assert not PeriodMark.objects.exists()
        payload["marks"] = [
            {"pupil_id": world.pupils[0].pk, "value": "5"},
            {"pupil_id": world.pupils[1].pk, "value": PeriodMarkValue.EXEMPT},
        ]
        done = world.client("teacher").post(url, payload, format="json")
        assert done.status_code == 201, done.content
        assert [r["value"] for r in _sheet(world)["rows"][:2]] == ["5", "осв"]
