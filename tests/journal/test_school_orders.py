"""The director's orders (TPL-6): the order that puts a regulation in force and the orders
behind schedule changes; a new edition cancels the old one, both keep their dates
(000 §5.1, §5.4; 003 §4.6.1; 004 §6.6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from catalog.models import AdoptionRecord, RegulationVersion, SchoolAdoption
from catalog.selectors import rules_cache_invalidate
from core.errors import PermissionDeniedError
from journal.structure import selectors, services
from journal.structure.models import ScheduleBreak, SchoolOrder
from tests.catalog.adopt import adopt_rules
from tests.world import World


def _version(**changes: Any) -> RegulationVersion:
    """A published version of school1's template that school1 has not adopted yet."""
    version = adopt_rules("school2", **changes)  # published; school2 is the one moved
    return version


def test_the_directors_order_puts_a_version_in_force_and_cancels_the_old_order(
    world: World, school1: Any, school2: Any
) -> None:
    v_a = _version(parent_printout_days=10)
    v_b = _version(parent_printout_days=14)
    director = world.users["director"]
    d1, d2 = world.today - dt.timedelta(days=30), world.today - dt.timedelta(days=2)
    with schema_context("school1"):
        first = services.regulation_order_record(
            regulation_version_id=v_a.pk, number="45-о", signed_on=d1, by=director
        )
        rules_cache_invalidate(schema_names=["school1"])
        assert SchoolAdoption.objects.get(school=school1).regulation_version_id == v_a.pk
        second = services.regulation_order_record(
            regulation_version_id=v_b.pk,
            number="112-о",
            signed_on=d2,
            in_force_from=world.today,
            by=director,
        )
        first.refresh_from_db()
        assert (first.in_force_from, first.cancelled_on, first.cancelled_by) == (
            d1,
            world.today,
            second,
        )
        assert second.cancelled_on is None and second.regulation_version_id == v_b.pk
        assert selectors.regulation_order_in_force() == second
        assert [o.number for o in selectors.school_order_list(for_user=world.users["teacher"])] == [
            "112-о",
            "45-о",
        ]
    assert SchoolAdoption.objects.get(school=school1).regulation_version_id == v_b.pk
    assert AdoptionRecord.objects.filter(school=school1, regulation_version=v_b).exists()
    assert SchoolAdoption.objects.get(school=school2).regulation_version_id == v_b.pk  # helper
    with schema_context("school2"):
        assert not SchoolOrder.objects.exists()


def test_a_regulation_order_is_refused_in_russian_and_nothing_changes(
    world: World, school1: Any
) -> None:
    before = SchoolAdoption.objects.get(school=school1).regulation_version_id
    latest = RegulationVersion.objects.order_by("-pk").values_list("pk", flat=True).first()
    missing_id = (latest or 0) + 999
    with schema_context("school1"), pytest.raises(ValidationError) as err:
        services.regulation_order_record(
            regulation_version_id=missing_id,
            number=" ",
            signed_on=world.today + dt.timedelta(days=1),
            by=world.users["director"],
        )
    assert set(err.value.message_dict) == {
        "regulation_version_id",
        "number",
        "signed_on",
        "in_force_from",
    }
    assert "опубликованной редакции" in err.value.message_dict["regulation_version_id"][0]
    assert SchoolAdoption.objects.get(school=school1).regulation_version_id == before
    with schema_context("school1"):
        assert not SchoolOrder.objects.exists()


def test_only_the_director_or_the_journal_administrator_records_an_order(world: World) -> None:
    version = _version(parent_printout_days=10)
    with schema_context("school1"):
        for persona in ("deputy", "teacher", "secretary"):
            with pytest.raises(PermissionDeniedError):
                services.regulation_order_record(
                    regulation_version_id=version.pk,
                    number="1",
                    signed_on=world.today,
                    by=world.users[persona],
                )
            with pytest.raises(PermissionDeniedError):
                services.schedule_order_record(
                    number="2", signed_on=world.today, title="Карантин", by=world.users[persona]
                )
        assert not SchoolOrder.objects.exists()
        assert list(selectors.school_order_list(for_user=world.users["pupil"])) == []


def test_schedule_changes_rest_on_an_order_and_a_new_edition_cuts_them(world: World) -> None:
    """004 §6.6: quarantine by the director's order; the next order ends it early."""
    admin = world.users["journal_admin"]
    start = world.today + dt.timedelta(days=3)
    with schema_context("school1"):
        order = services.schedule_order_record(
            number="130-о", signed_on=world.today, title="О карантине в 5А", by=admin
        )
        quarantine = services.schedule_break_create(
            year=world.year,
            kind=ScheduleBreak.Kind.QUARANTINE,
            title="Карантин",
            starts_on=start,
            ends_on=start + dt.timedelta(days=9),
            class_group_ids=[world.class5a.pk],
            order=order,
            by=admin,
        )
        later = services.schedule_break_create(
            year=world.year,
            kind=ScheduleBreak.Kind.OTHER,
            title="Перенос уроков",
            starts_on=start + dt.timedelta(days=8),
            ends_on=start + dt.timedelta(days=8),
            order=order,
            by=admin,
        )
        new = services.schedule_order_record(
            number="131-о",
            signed_on=world.today,
            title="О досрочном окончании карантина",
            in_force_from=start + dt.timedelta(days=5),
            replaces=order,
            by=admin,
        )
        order.refresh_from_db()
        quarantine.refresh_from_db()
        assert (order.cancelled_on, order.cancelled_by) == (start + dt.timedelta(days=5), new)
        assert quarantine.ends_on == start + dt.timedelta(days=4)  # ends the day before
        assert not ScheduleBreak.objects.filter(pk=later.pk).exists()  # never began
        with pytest.raises(ValidationError) as err:
            services.schedule_break_create(
                year=world.year,
                kind=ScheduleBreak.Kind.QUARANTINE,
                title="Карантин",
                starts_on=start + dt.timedelta(days=6),
                ends_on=start + dt.timedelta(days=7),
                order=order,
                by=admin,
            )
        assert "утратил силу" in err.value.message_dict["order_id"][0]
        with pytest.raises(ValidationError) as err:
            services.schedule_order_record(
                number="132-о", signed_on=world.today, title="x", replaces=order, by=admin
            )
        assert "уже утратил силу" in err.value.message_dict["replaces_id"][0]


def test_the_database_keeps_one_regulation_order_in_force(world: World) -> None:
    with schema_context("school1"):
        for number in ("1", "2"):
            kwargs = {
                "kind": SchoolOrder.Kind.REGULATION,
                "number": number,
                "signed_on": world.today,
                "title": "Об утверждении положения",
                "in_force_from": world.today,
                "regulation_version_id": 1,
                "recorded_by": world.users["director"],
            }
            if number == "1":
                SchoolOrder.objects.create(**kwargs)
            else:
                with pytest.raises(IntegrityError), transaction.atomic():
                    SchoolOrder.objects.create(**kwargs)


# --------------------------------------------------------------------------- the API

ORDERS = "/api/v1/structure/orders/"


def test_orders_over_the_api_with_russian_field_errors(world: World) -> None:
    client = world.client("director")
    bad = client.post(
        ORDERS + "schedule/create/",
        {"number": "", "signed_on": world.today.isoformat(), "title": "x"},
        format="json",
    )
    assert bad.status_code == 400 and "number" in bad.json()["errors"]
    created = client.post(
        ORDERS + "schedule/create/",
        {"number": "130-о", "signed_on": world.today.isoformat(), "title": "О карантине"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["kind"], body["cancelled_on"]) == ("schedule", None)
    again = client.post(
        ORDERS + "schedule/create/",
        {"number": "130-о", "signed_on": world.today.isoformat(), "title": "О карантине"},
        format="json",
    )
    assert again.status_code == 400
    assert again.json()["errors"]["number"] == [
        f"Приказ № 130-о от {world.today:%d.%m.%Y} уже внесён."
    ]
    brk = client.post(
        "/api/v1/structure/breaks/create/",
        {
            "year_id": world.year.pk,
            "kind": "quarantine",
            "title": "Карантин",
            "starts_on": world.today.isoformat(),
            "ends_on": world.today.isoformat(),
            "order_id": body["id"],
        },
        format="json",
    )
    assert brk.status_code == 201, brk.json()
    with schema_context("school1"):
        assert ScheduleBreak.objects.get(pk=brk.json()["id"]).order_id == body["id"]
    listed = world.client("teacher").get(ORDERS).json()
    assert [o["number"] for o in listed] == ["130-о"]


def test_another_schools_order_cannot_be_replaced_or_cited(
    world: World, school2_director: Any
) -> None:
    from tests.world import school2_client

    with schema_context("school1"):
        order = services.schedule_order_record(
            number="130-о",
            signed_on=world.today,
            title="О карантине",
            by=world.users["director"],
        )
    client = school2_client(school2_director)
    replaced = client.post(
        ORDERS + "schedule/create/",
        {
            "number": "1",
            "signed_on": world.today.isoformat(),
            "title": "x",
            "replaces_id": order.pk,
        },
        format="json",
    )
    assert replaced.status_code == 400 and "replaces_id" in replaced.json()["errors"]
    with schema_context("school1"):
        order.refresh_from_db()
        assert order.cancelled_on is None
    with schema_context("school2"):
        assert not SchoolOrder.objects.exists()
