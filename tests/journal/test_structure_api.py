"""School years, bells, class teacher, subgroups, guardians, work kinds through the API
(SET-1, SET-2, SET-4, MRK-1): Russian 400s, rights moving with the role."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from journal.register.models import WorkKind
from journal.structure import services as structure
from journal.structure.models import StaffMember, Subgroup, SubgroupMember
from tests.world import World

B = "/api/v1/"


def _errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    return dict(response.json()["errors"])


def test_year_create_with_default_periods_and_russian_400s_set1(world: World) -> None:
    client = world.client("deputy")
    made = client.post(
        B + "structure/years/create/",
        {"title": "2031/2032", "starts_on": "2031-09-01", "ends_on": "2032-05-31"},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["is_current"] is True and body["days_per_week"] == 5
    assert {(p["kind"], p["number"]) for p in body["periods"]} >= {("quarter", 4), ("half_year", 2)}
    listed = client.get(B + "structure/years/").json()
    assert [y["title"] for y in listed][:1] == ["2031/2032"]

    errors = _errors(
        client.post(
            B + "structure/years/create/",
            {"title": "2031-32", "starts_on": "2031-09-01", "ends_on": "2031-05-31"},
            format="json",
        )
    )
    assert errors["title"] == ["Учебный год в виде 2025/2026."]
    errors = _errors(
        client.post(
            B + "structure/years/create/",
            {"title": "2040/2041", "starts_on": "2040-09-01", "ends_on": "2040-05-31"},
            format="json",
        )
    )
    assert "позже начала" in errors["ends_on"][0]
    errors = _errors(client.post(B + "structure/years/create/", {}, format="json"))
    assert errors["starts_on"] == ["Обязательное поле."]


def test_bell_schedule_set_and_refused_slots_set1(world: World) -> None:
    client = world.client("journal_admin")
    url = B + f"structure/years/{world.year.pk}/bells/"
    ok = client.post(
        url,
        {"slots": [{"number": 1, "starts_at": "08:00", "ends_at": "08:40"}]},
        format="json",
    )
    assert ok.json() == [{"number": 1, "starts_at": "08:00", "ends_at": "08:40"}]
    errors = _errors(
        client.post(
            url,
            {
                "slots": [
                    {"number": 1, "starts_at": "09:00", "ends_at": "08:40"},
                    {"number": 1, "starts_at": "10:00", "ends_at": "10:40"},
                ]
            },
            format="json",
        )
    )
    assert "Урок №1: окончание раньше начала." in errors["slots"]
    assert "Номера уроков повторяются." in errors["slots"]


def test_class_teacher_change_moves_the_right_set2(world: World) -> None:
    url = B + f"register/classes/{world.class5a.pk}/attendance/?date={world.today.isoformat()}"
    assert world.client("class_teacher").get(url).status_code == 200
    assert world.client("other_teacher").get(url).status_code == 404
    with schema_context("school1"):
        new_id = StaffMember.objects.get(user=world.users["other_teacher"]).pk
    changed = world.client("deputy").post(
        B + f"structure/classes/{world.class5a.pk}/class-teacher/",
        {"teacher_id": new_id},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["class_teacher_id"] == new_id
    assert world.client("class_teacher").get(url).status_code == 404
    assert world.client("other_teacher").get(url).status_code == 200


@pytest.fixture
def pe_groups(world: World) -> tuple[Subgroup, Subgroup]:
    with schema_context("school1"):
        boss = world.users["director"]
        first = structure.subgroup_create(
            class_group=world.class5a, subject=world.pe, title="1-я группа", by=boss
        )
        second = structure.subgroup_create(
            class_group=world.class5a, subject=world.pe, title="2-я группа", by=boss
        )
    return first, second


def test_each_pupil_in_exactly_one_subgroup_set2(
    world: World, pe_groups: tuple[Subgroup, Subgroup]
) -> None:
    """SET-2: a split subject puts every pupil of the class in exactly one subgroup."""
    first, second = pe_groups
    ids = [p.pk for p in world.pupils]
    boss = world.users["deputy"]
    with schema_context("school1"):
        # Somebody left out.
        with pytest.raises(ValidationError) as err:
            structure.subgroups_split(
                class_group=world.class5a,
                subject=world.pe,
                members={first.pk: ids[:2], second.pk: ids[2:-1]},
                by=boss,
            )
        assert "ровно в одной подгруппе: не распределено 1 чел." in str(err.value)
        # Somebody in both.
        with pytest.raises(ValidationError) as err:
            structure.subgroups_split(
                class_group=world.class5a,
                subject=world.pe,
                members={first.pk: ids[:3], second.pk: ids[2:]},
                by=boss,
            )
        assert "в двух подгруппах" in str(err.value)
        # Somebody from another class, or a subgroup missing from the split.
        with pytest.raises(ValidationError) as err:
            structure.subgroups_split(
                class_group=world.class5a,
                subject=world.pe,
                members={first.pk: [*ids[:2], world.other_pupil.pk], second.pk: ids[2:]},
                by=boss,
            )
        assert "только учеников класса" in str(err.value)
        with pytest.raises(ValidationError) as err:
            structure.subgroups_split(
                class_group=world.class5a, subject=world.pe, members={first.pk: ids}, by=boss
            )
        assert "каждой подгруппы" in str(err.value)
        assert not SubgroupMember.objects.exists()  # all or nothing
        structure.subgroups_split(
            class_group=world.class5a,
            subject=world.pe,
            members={first.pk: ids[:2], second.pk: ids[2:]},
            by=boss,
        )
        assert SubgroupMember.objects.count() == len(ids)


def test_subgroup_api_split_and_list_set2(
    world: World, pe_groups: tuple[Subgroup, Subgroup]
) -> None:
    first, second = pe_groups
    ids = [p.pk for p in world.pupils]
    client = world.client("journal_admin")
    listed = client.get(B + f"structure/classes/{world.class5a.pk}/subgroups/").json()
    assert listed[0]["subject"] == "Физическая культура"
    assert sorted(listed[0]["unassigned_pupil_ids"]) == sorted(ids)
    errors = _errors(
        client.post(
            B + f"structure/classes/{world.class5a.pk}/subgroups/split/",
            {
                "subject_id": world.pe.pk,
                "subgroups": [{"subgroup_id": first.pk, "pupil_ids": ids[:1]}],
            },
            format="json",
        )
    )
    assert any("ровно в одной" in m for m in errors["pupil_ids"])
    done = client.post(
        B + f"structure/classes/{world.class5a.pk}/subgroups/split/",
        {
            "subject_id": world.pe.pk,
            "subgroups": [
                {"subgroup_id": first.pk, "pupil_ids": ids[:2]},
                {"subgroup_id": second.pk, "pupil_ids": ids[2:]},
            ],
        },
        format="json",
    )
    assert done.status_code == 200, done.content
    listed = client.get(B + f"structure/classes/{world.class5a.pk}/subgroups/").json()
    assert listed[0]["unassigned_pupil_ids"] == []
    assert [len(g["pupil_ids"]) for g in listed[0]["subgroups"]] == [2, len(ids) - 2]
    errors = _errors(
        client.post(
            B + "structure/subgroups/create/",
            {"class_group_id": world.class5a.pk, "subject_id": world.pe.pk, "title": "1-я группа"},
            format="json",
        )
    )
    assert errors["title"] == ["Такая подгруппа уже есть."]


def test_guardian_created_linked_and_sees_child_after_consent_set4(world: World) -> None:
    client = world.client("secretary")
    made = client.post(
        B + "roster/guardians/create/",
        {"last_name": "Новикова", "first_name": "Мария", "phone": "+7 (900) 123-45-67"},
        format="json",
    )
    assert made.status_code == 201, made.content
    guardian_id = made.json()["id"]
    assert _errors(
        client.post(
            B + "roster/guardians/create/", {"last_name": "", "phone": "abc"}, format="json"
        )
    ).keys() >= {"last_name", "first_name", "phone"}
    child = world.pupils[1]
    linked = client.post(
        B + f"roster/pupils/{child.pk}/guardians/",
        {"guardian_id": guardian_id, "relation": "mother"},
        format="json",
    )
    assert linked.status_code == 201, linked.content
    with schema_context("school1"):
        from journal.roster.models import Guardian

        parent = Guardian.objects.get(pk=guardian_id).user
    from rest_framework.test import APIClient

    as_parent = APIClient(HTTP_HOST="school1.localhost")
    as_parent.force_authenticate(parent)
    # SET-5: no consent for this child yet -> nothing shown.
    assert as_parent.get(B + f"roster/pupils/{child.pk}/").status_code == 404
    consent = client.post(
        B + f"roster/pupils/{child.pk}/consent/",
        {"signed_on": world.today.isoformat(), "scan_reference": "scan/5.pdf"},
        format="json",
    )
    assert consent.status_code == 201
    assert as_parent.get(B + f"roster/pupils/{child.pk}/").status_code == 200


def test_work_kinds_default_from_template_and_saved_per_school_mrk1(world: World) -> None:
    listed = world.client("teacher").get(B + "register/work-kinds/").json()
    codes = {k["code"]: k["weight"] for k in listed}
    assert "oral" in codes and "test" in codes and codes["test"] > codes["oral"]
    saved = world.client("deputy").post(
        B + "register/work-kinds/save/",
        {"code": "oral", "title": "Ответ на уроке", "weight": 2},
        format="json",
    )
    assert saved.status_code == 200 and saved.json()["weight"] == 2
    errors = _errors(
        world.client("deputy").post(
            B + "register/work-kinds/save/",
            {"code": "x", "title": "Проект", "weight": 11},
            format="json",
        )
    )
    assert errors["weight"] == ["Убедитесь, что это значение меньше либо равно 10."]
    with schema_context("school1"):
        assert WorkKind.objects.get(code="oral").weight == 2
    with schema_context("school2"):
        assert not WorkKind.objects.filter(code="oral", weight=2).exists()
