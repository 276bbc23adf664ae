"""YEAR-2 (004 §6.3, §6.8; 003 §6.3): the deputy's schedule of control, laboratory and
practical works checked against the lessons held; intermediate attestation events with
their results, which the pupil's family reads in the diary."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django_tenants.utils import schema_context

from journal.attestation.models import AttestationResult, ControlWork
from journal.register.models import Lesson
from tests import clock
from tests.world import World

B = "/api/v1/attestation/"


def _schedule(world: World, kind: str, day: dt.date, persona: str = "deputy") -> int:
    response = world.client(persona).post(
        B + "control-works/create/",
        {"assignment_id": world.math5a.pk, "kind": kind, "planned_on": day.isoformat()},
        format="json",
    )
    return response.status_code


def test_schedule_is_checked_against_the_lessons_held_year2(world: World) -> None:
    # A day three weeks into the year at least, so that "20 days ago" is in it too (on the
    # 1st of September the world's yesterday is last year's).
    today = max(world.today, world.year.starts_on + dt.timedelta(days=21))
    with schema_context("school1"):
        Lesson.objects.filter(assignment=world.math5a).update(slot=F("slot") + 10)
        made = {
            name: Lesson.objects.create(
                assignment=world.math5a, date=today + dt.timedelta(days=d), slot=3, kind=kind
            )
            for name, d, kind in (("yesterday", -1, "test"), ("old", -20, "lab"))
        }
        made["today"] = Lesson.objects.create(
            assignment=world.math5a, date=today, slot=3, kind="practical", topic="Опыт"
        )
    with clock.on(today):
        for kind, day in (
            ("test", today - dt.timedelta(days=1)),  # held that day
            ("lab", today - dt.timedelta(days=10)),  # held ten days earlier: moved
            ("test", today - dt.timedelta(days=3)),  # nothing held: missing
            ("practical", today + dt.timedelta(days=20)),  # ahead, beyond two weeks: planned
        ):
            assert _schedule(world, kind, day) == 201
        rows = world.client("teacher").get(B + "control-works/").json()
    got = [(r["kind"], r["planned_on"], r["status"], r["lesson_id"]) for r in rows]
    iso = lambda d: (today + dt.timedelta(days=d)).isoformat()  # noqa: E731
    assert sorted(got, key=str) == sorted(
        [
            ("test", iso(-1), "held", made["yesterday"].pk),
            ("lab", iso(-10), "moved", made["old"].pk),
            ("test", iso(-3), "missing", None),
            ("practical", iso(20), "planned", None),
            ("practical", None, "unscheduled", made["today"].pk),
        ],
        key=str,
    )
    assert world.client("other_teacher").get(B + "control-works/").json() == []
    # A staff route: the learners' guard refuses the family before the view (ROLE-2).
    assert world.client("parent").get(B + "control-works/").status_code == 403


def test_only_the_deputy_schedules_and_input_is_checked_year2(world: World) -> None:
    assert _schedule(world, "test", world.today, "teacher") == 403
    assert _schedule(world, "test", world.today, "other_teacher") == 404
    with schema_context("school1"):
        assert not ControlWork.objects.exists()
    outside = world.client("deputy").post(
        B + "control-works/create/",
        {
            "assignment_id": world.math5a.pk,
            "kind": "test",
            "planned_on": (world.year.ends_on + dt.timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert outside.status_code == 400
    assert outside.json()["errors"]["planned_on"][0].startswith("Дата вне учебного года")
    assert _schedule(world, "test", world.today) == 201
    twice = world.client("deputy").post(
        B + "control-works/create/",
        {"assignment_id": world.math5a.pk, "kind": "test", "planned_on": world.today.isoformat()},
        format="json",
    )
    assert twice.json()["errors"] == {"planned_on": ["Эта работа на эту дату уже в графике."]}


def _event(world: World, held_on: dt.date) -> int:
    response = world.client("deputy").post(
        B + "events/create/",
        {"assignment_id": world.math5a.pk, "form": "control", "held_on": held_on.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def test_attestation_results_entered_by_the_teacher_and_read_in_the_diary_year2(
    world: World,
) -> None:
    # Yesterday, or today on the year's first day (yesterday is last year's then).
    event = _event(world, max(world.today - dt.timedelta(days=1), world.year.starts_on))
    url = B + f"events/{event}/results/"
    p = world.pupils
    bad = world.client("teacher").post(
        url,
        {
            "results": [
                {"pupil_id": p[0].pk, "value": "6"},
                {"pupil_id": world.other_pupil.pk, "value": "4"},
            ]
        },
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"results[0]", "results[1]"}
    assert bad.json()["errors"]["results[1]"] == [
        "Обучающегося нет в списке класса на дату аттестации."
    ]
    refused = world.client("class_teacher").post(
        url, {"results": [{"pupil_id": p[0].pk, "value": "5"}]}, format="json"
    )
    assert refused.status_code == 403
    with schema_context("school1"):
        assert not AttestationResult.objects.exists()
    done = world.client("teacher").post(
        url,
        {"results": [{"pupil_id": p[0].pk, "value": "5"}, {"pupil_id": p[1].pk, "value": "н/а"}]},
        format="json",
    )
    assert done.status_code == 201, done.content
    again = world.client("teacher").post(
        url, {"results": [{"pupil_id": p[0].pk, "value": "4"}]}, format="json"
    )
    assert again.json()["errors"] == {"results[0]": ["Результат этого обучающегося уже внесён."]}
    detail = world.client("deputy").get(B + f"events/{event}/").json()
    assert {r["pupil_id"]: r["value"] for r in detail["results"]} == {p[0].pk: "5", p[1].pk: "н/а"}
    diary = world.client("parent").get(B + f"pupils/{p[0].pk}/results/").json()
    assert [(r["subject"], r["form"], r["value"]) for r in diary] == [
        ("Математика", "control", "5")
    ]
    assert world.client("other_parent").get(B + f"pupils/{p[0].pk}/results/").status_code == 404


def test_results_wait_for_the_day_of_the_attestation_year2(world: World) -> None:
    day = world.today + dt.timedelta(days=3)
    event = _event(world, day)
    response = world.client("teacher").post(
        B + f"events/{event}/results/",
        {"results": [{"pupil_id": world.pupils[0].pk, "value": "5"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"Аттестация назначена на {day:%d.%m.%Y}: результаты вносятся после неё."
    )
    listed = world.client("teacher").get(B + f"events/?assignment_id={world.math5a.pk}").json()
    assert [(e["id"], e["result_count"]) for e in listed] == [(event, 0)]
