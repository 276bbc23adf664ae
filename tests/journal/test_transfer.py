"""TEN-4: a pupil moves from school1 to school2 with a signed package, and nothing else.

The sending school exports marks and attendance of the current year through the API; the
receiving school imports the package through its own API and shows the rows read-only,
marked as coming from the other school. The package is the only carrier: no SQL of the
import names the sending school's schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accounts import roles
from accounts.models import User
from journal.register import services as reg
from journal.register.models import Attendance, Lesson, Mark
from journal.roster import services as roster
from journal.roster.models import Pupil
from journal.structure import services as structure
from journal.transfer.models import TransferImport, TransferredAbsence, TransferredMark
from tests.world import World, make_user, school2_client, school_year_create

SCHOOL1_NAME = "МБОУ «Средняя общеобразовательная школа № 1»"


@pytest.fixture
def arrival(world: World, school2: Any) -> dict[str, Any]:
    """school2: a secretary and the arriving pupil (same name), enrolled by transfer."""
    source = world.pupils[0].user
    with schema_context("school2"):
        director = make_user("director2", roles.DIRECTOR)
        secretary = make_user("secretary2", roles.SECRETARY)
        today = world.today
        year = school_year_create(today, by=director)
        class5 = structure.class_group_create(year=year, grade=5, letter="В", by=director)
        pupil = roster.pupil_create(
            last_name=source.last_name,
            first_name=source.first_name,
            class_group=class5,
            enrolled_on=today,
            order_number="5-у/2",
            by=secretary,
        )
    return {"director": director, "secretary": secretary, "pupil": pupil}


def _school1_history(world: World) -> None:
    """Marks (one corrected, one annulled), absences with a reason, and last year's rows."""
    from tests.catalog.adopt import adopt_rules

    teacher, pupil = world.users["teacher"], world.pupils[0]
    adopt_rules("school1", correction={"allowed": True})  # a regulation that allows them
    with schema_context("school1"):
        # Today's lessons: "today" is in this school year on any day (yesterday may not be).
        marked = Lesson.objects.create(assignment=world.math5a, date=world.today, slot=3)
        saved = reg.marks_save(
            lesson=marked,
            marks=[
                reg.MarkInput(pupil.pk, 3, "oral"),
                reg.MarkInput(pupil.pk, 2, "test"),
                reg.MarkInput(pupil.pk, 4, "oral"),
            ],
            by=teacher,
        )
        reg.mark_correct(
            mark=saved[0], new_value=4, reason="Ошибка ввода", by=world.users["deputy"]
        )
        reg.mark_correct(
            mark=saved[1], new_value=None, reason="Не та работа", by=world.users["deputy"]
        )
        reg.attendance_save(
            lesson=world.lesson_today, entries=[reg.AttendanceInput(pupil.pk, "Н")], by=teacher
        )
        reg.attendance_reason_set(
            attendance=Attendance.objects.get(lesson=world.lesson_today, pupil=pupil),
            code="Б",
            note="справка",
            by=world.users["class_teacher"],
        )
        # A lesson of the previous school year: neither its mark nor its absence travels.
        last_year = Lesson.objects.create(
            assignment=world.math5a, date=world.year.starts_on - dt.timedelta(days=30), slot=1
        )
        Mark.objects.create(
            lesson=last_year,
            pupil=pupil,
            value=2,
            work_kind=saved[0].work_kind,
            weight=1,
            entered_by=teacher,
        )
        Attendance.objects.create(lesson=last_year, pupil=pupil, code="Н", marked_by=teacher)


def _export(world: World) -> str:
    response = world.client("secretary").post(
        f"/api/v1/transfer/pupils/{world.pupils[0].pk}/export/", format="json"
    )
    assert response.status_code == 201, response.content
    return str(response.json()["package"])


def _import(arrival: dict[str, Any], package: str) -> Any:
    client = school2_client(arrival["secretary"])
    return client.post(
        f"/api/v1/transfer/pupils/{arrival['pupil'].pk}/import/",
        {"package": package},
        format="json",
    )


def test_pupil_transfer_from_school1_to_school2_ten4(world: World, arrival: dict[str, Any]) -> None:
    _school1_history(world)
    package = _export(world)

    with CaptureQueriesContext(connection) as queries:
        response = _import(arrival, package)
    assert response.status_code == 201, response.content
    assert response.json()["source_school"] == SCHOOL1_NAME
    assert response.json()["marks"] == 2  # 3→4 corrected, 2 annulled, 4; last year's not
    assert response.json()["absences"] == 1
    # The package is the only carrier: no statement of the import reaches school1's schema.
    for q in queries.captured_queries:
        sql = q["sql"].lower()
        assert '"school1".' not in sql and "school1." not in sql, sql
        if "search_path" in sql:
            assert "school1" not in sql, sql

    # The receiving pupil's record: read-only rows, marked as from the other school.
    client = school2_client(arrival["secretary"])
    records = client.get(f"/api/v1/transfer/pupils/{arrival['pupil'].pk}/records/")
    assert records.status_code == 200, records.content
    body = records.json()
    assert [(m["subject"], m["value"], m["kind"]) for m in body["marks"]] == [
        ("Математика", "4", "lesson"),
        ("Математика", "4", "lesson"),
    ]
    assert all(m["locked"] and m["source_school"] == SCHOOL1_NAME for m in body["marks"])
    assert [(a["code"], a["source_school"]) for a in body["absences"]] == [("Б", SCHOOL1_NAME)]
    assert body["imports"][0]["source_school"] == SCHOOL1_NAME
    with schema_context("school2"):
        mark_pupils = set(TransferredMark.objects.values_list("pupil_id", flat=True))
        assert mark_pupils == {arrival["pupil"].pk}
        # Read-only in the receiving school too: the append-only trigger refuses changes.
        for sql in (
            "UPDATE transfer_transferredmark SET value = '5'",
            "DELETE FROM transfer_transferredabsence",
        ):
            with pytest.raises(DatabaseError, match="не изменяются"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql)
    # school1 keeps its own records; nothing was imported there.
    with schema_context("school1"):
        assert not TransferImport.objects.exists()


def test_tampered_package_is_refused_ten4(world: World, arrival: dict[str, Any]) -> None:
    _school1_history(world)
    package = _export(world)
    body, _sep, signature = package.rpartition(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    payload = signing.loads(package, salt=settings.JOURNAL_TRANSFER_SALT)
    payload["marks"][0]["value"] = "5"
    forged = signing.dumps(payload, salt="someone-elses-salt", compress=True)
    for bad in (f"{body}:{flipped}", forged, "не пакет"):
        response = _import(arrival, bad)
        assert response.status_code == 400, response.content
        assert "Подпись пакета неверна" in response.json()["errors"]["package"][0]
    with schema_context("school2"):
        assert not TransferImport.objects.exists()
        assert not TransferredMark.objects.exists()


def test_replayed_package_is_refused_ten4(world: World, arrival: dict[str, Any]) -> None:
    """Decision: a replay is refused with a clear message (not silently accepted), so the
    secretary knows the records are already there; nothing is written twice."""
    _school1_history(world)
    package = _export(world)
    assert _import(arrival, package).status_code == 201
    again = _import(arrival, package)
    assert again.status_code == 400
    assert again.json()["errors"]["package"] == ["Этот пакет уже загружен."]
    with schema_context("school2"):
        assert TransferImport.objects.count() == 1
        assert TransferredMark.objects.count() == 2
        assert TransferredAbsence.objects.count() == 1


def test_package_for_another_pupil_is_refused_ten4(world: World, arrival: dict[str, Any]) -> None:
    _school1_history(world)
    package = _export(world)
    with schema_context("school2"):
        stranger = roster.pupil_create(
            last_name="Посторонний",
            first_name="Олег",
            class_group=arrival["pupil"].class_group,
            enrolled_on=world.today,
            order_number="6-у/2",
            by=arrival["secretary"],
        )
    response = school2_client(arrival["secretary"]).post(
        f"/api/v1/transfer/pupils/{stranger.pk}/import/", {"package": package}, format="json"
    )
    assert response.status_code == 400
    assert "не совпадают" in response.json()["errors"]["pupil_id"][0]


def test_package_back_into_its_own_school_is_refused_ten4(world: World) -> None:
    _school1_history(world)
    package = _export(world)
    response = world.client("secretary").post(
        f"/api/v1/transfer/pupils/{world.pupils[0].pk}/import/", {"package": package}, format="json"
    )
    assert response.status_code == 400
    assert "этой же школы" in response.json()["errors"]["package"][0]


def test_teacher_and_parent_cannot_export_ten4(world: World) -> None:
    for persona in ("teacher", "class_teacher", "parent", "pupil"):
        response = world.client(persona).post(
            f"/api/v1/transfer/pupils/{world.pupils[0].pk}/export/", format="json"
        )
        assert response.status_code == 403, persona


def test_other_school_cannot_read_transferred_records_ten4(
    world: World, arrival: dict[str, Any]
) -> None:
    """school1's director with school2's pupil id, on school1's host: 404, never data."""
    _school1_history(world)
    assert _import(arrival, _export(world)).status_code == 201
    response = world.client("director").get(
        f"/api/v1/transfer/pupils/{arrival['pupil'].pk}/records/"
    )
    with schema_context("school1"):
        # Ids are per schema: the number may also name a pupil of school1. Then the answer
        # is about that pupil of school1, who brought no transferred records; else 404.
        same_id_here = Pupil.objects.filter(pk=arrival["pupil"].pk).exists()
    if same_id_here:
        assert response.status_code == 200 and response.json()["marks"] == []
    else:
        assert response.status_code == 404
    with schema_context("school2"):
        assert Pupil.objects.filter(pk=arrival["pupil"].pk).exists()
        assert User.objects.filter(username="secretary2").exists()
