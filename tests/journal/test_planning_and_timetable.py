"""PLAN-2 КТП hours vs curriculum; SET-3 timetable clashes; SET-4 class list as of a date."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from openpyxl import Workbook

from core.errors import ApplicationError
from journal.planning import services as planning
from journal.planning.models import CurriculumLine
from journal.register.services import lessons_generate
from journal.roster.services import pupil_move
from journal.structure import services as structure
from journal.structure.models import TimetableEntry
from tests.world import World, staff


def _xlsx(rows: list[tuple[object, ...]]) -> bytes:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(("№", "Тема", "Часы", "Дата"))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_ktp_hours_mismatch_reports_both_numbers_plan2(world: World) -> None:
    with schema_context("school1"):
        CurriculumLine.objects.create(
            year=world.year, grade=5, subject=world.math, hours_per_year=5
        )
        rows = planning.parse_plan_file(
            content=_xlsx([(1, "Натуральные числа", 2, "01.09.2025"), (2, "Дроби", 1, None)]),
            filename="ktp.xlsx",
        )
        with pytest.raises(ApplicationError) as err:
            planning.thematic_plan_import(
                assignment=world.math5a, rows=rows, by=world.users["teacher"]
            )
        assert "в КТП 3 ч" in err.value.message and "по учебному плану 5 ч" in err.value.message
        assert err.value.extra == {"plan_hours": 3, "curriculum_hours": 5}


def test_ktp_import_via_api_and_topics_flow_into_lessons_plan2_plan3(world: World) -> None:
    with schema_context("school1"):
        CurriculumLine.objects.create(
            year=world.year, grade=5, subject=world.math, hours_per_year=3
        )
    content = "№;Тема;Часы\n1;Натуральные числа;2\n2;Дроби;1\n".encode()
    f = io.BytesIO(content)
    f.name = "ktp.csv"
    client = world.client("teacher")
    response = client.post(
        f"/api/v1/planning/assignments/{world.math5a.pk}/plan/import/",
        {"file": f},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    with schema_context("school1"):
        structure.timetable_entry_create(
            assignment=world.math5a, weekday=1, slot=2, by=world.users["deputy"]
        )
        lessons_generate(period=world.period, by=world.users["deputy"])
        from journal.register.models import Lesson

        topics = list(
            Lesson.objects.filter(assignment=world.math5a)
            .order_by("date", "slot")
            .values_list("topic", flat=True)[:4]
        )
        assert topics == ["Натуральные числа", "Натуральные числа", "Дроби", ""]
    coverage = client.get(f"/api/v1/planning/assignments/{world.math5a.pk}/coverage/").json()
    assert coverage["planned_hours"] == 3 and coverage["given"] >= 3


def test_timetable_clash_teacher_and_room_refused_set3(world: World) -> None:
    with schema_context("school1"):
        boss = world.users["deputy"]
        structure.timetable_entry_create(
            assignment=world.math5a, weekday=1, slot=1, room="12", by=boss
        )
        # the same teacher, same time, another class
        other = structure.teaching_assignment_create(
            teacher=staff(world.users["teacher"]),
            subject=world.math,
            class_group=world.class5b,
            weekly_hours=Decimal(4),
            by=boss,
        )
        with pytest.raises(ApplicationError) as err:
            structure.timetable_entry_create(assignment=other, weekday=1, slot=1, by=boss)
        assert "у учителя" in str(err.value.field_errors)
        # another teacher, same room, same time
        with pytest.raises(ApplicationError) as err:
            structure.timetable_entry_create(
                assignment=world.russian5b, weekday=1, slot=1, room="12", by=boss
            )
        assert "кабинет 12" in str(err.value.field_errors)
        assert TimetableEntry.objects.count() == 1


def test_timetable_clash_via_api_is_400_in_russian_set3(world: World) -> None:
    client = world.client("deputy")
    url = "/api/v1/structure/timetable/create/"
    body = {"assignment_id": world.math5a.pk, "weekday": 1, "slot": 1, "room": "12"}
    assert client.post(url, body, format="json").status_code == 201
    again = client.post(url, {**body, "assignment_id": world.russian5b.pk}, format="json")
    assert again.status_code == 400
    assert "Накладка" in again.json()["errors"]["room"][0]


def test_class_list_as_of_a_date_follows_movement_set4(world: World) -> None:
    with schema_context("school1"):
        moved = world.pupils[1]
        pupil_move(
            pupil=moved,
            kind="moved",
            on_date=world.today,
            order_number="15-у",
            class_to=world.class5b,
            by=world.users["secretary"],
        )
    client = world.client("secretary")
    url = f"/api/v1/roster/classes/{world.class5a.pk}/list/?on="
    before = client.get(url + (world.today - dt.timedelta(days=1)).isoformat()).json()
    after = client.get(url + world.today.isoformat()).json()
    assert moved.pk in {p["id"] for p in before}
    assert moved.pk not in {p["id"] for p in after}


def test_parent_sees_child_only_with_consent_set5(world: World) -> None:
    from journal.roster.services import guardian_create, guardian_link_create

    with schema_context("school1"):
        parent = guardian_create(
            last_name="Без", first_name="Согласия", by=world.users["secretary"]
        )
        guardian_link_create(
            guardian=parent, pupil=world.pupils[2], relation="father", by=world.users["secretary"]
        )
    client = world.client("teacher")
    client.force_authenticate(parent.user)
    assert client.get(f"/api/v1/roster/pupils/{world.pupils[2].pk}/").status_code == 404
    # staff see the pupil without consent
    assert (
        world.client("teacher").get(f"/api/v1/roster/pupils/{world.pupils[2].pk}/").status_code
        == 200
    )
