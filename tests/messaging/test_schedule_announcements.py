"""SET-1, COM-1: the school's own schedule changes (quarantine, moved lessons, by the
director's order: 004 §6.6) reach the parents and pupils of the classes they stop as
announcements, written by the platform and kept in step with the change."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tenants.utils import schema_context

from journal.messaging.models import Announcement
from journal.messaging.selectors import announcements_for
from journal.structure import services
from journal.structure.models import ScheduleBreak
from tests.world import World


def _titles(world: World, persona: str) -> list[str]:
    return [a.title for a in announcements_for(for_user=world.users[persona])]


def test_a_quarantine_in_5a_is_announced_to_5a_only_and_follows_the_order(world: World) -> None:
    admin = world.users["journal_admin"]
    start = world.today + dt.timedelta(days=3)
    with schema_context("school1"):
        order = services.schedule_order_record(
            number="140-о", signed_on=world.today, title="О карантине в 5А", by=admin
        )
        quarantine = services.schedule_break_create(
            year=world.year,
            kind=ScheduleBreak.Kind.QUARANTINE,
            title="Карантин по гриппу",
            starts_on=start,
            ends_on=start + dt.timedelta(days=9),
            class_group_ids=[world.class5a.pk],
            order=order,
            by=admin,
        )
        (row,) = Announcement.objects.filter(schedule_break=quarantine)
        assert row.title == "Карантин в 5А классе"
        assert row.body.startswith("Карантин по гриппу: с ")
        assert "уроков по расписанию в 5А классе нет. Основание: Приказ № 140-о от" in row.body
        assert (row.for_parents, row.for_pupils, row.for_staff) == (True, True, False)
        assert row.ends_at is not None
        assert timezone.localtime(row.ends_at).date() == start + dt.timedelta(days=10)
        # The 5А parent and pupil see it; the 5Б parent does not.
        assert "Карантин в 5А классе" in _titles(world, "parent")
        assert "Карантин в 5А классе" in _titles(world, "pupil")
        assert "Карантин в 5А классе" not in _titles(world, "other_parent")

        # The order's new edition ends the quarantine early: the announcement ends with it.
        services.schedule_order_record(
            number="141-о",
            signed_on=world.today,
            title="О досрочном окончании карантина",
            in_force_from=start + dt.timedelta(days=5),
            replaces=order,
            by=admin,
        )
        row.refresh_from_db()
        assert row.ends_at is not None
        assert timezone.localtime(row.ends_at).date() == start + dt.timedelta(days=5)
        assert Announcement.objects.filter(schedule_break=quarantine).count() == 1


def test_a_school_wide_change_reaches_staff_too_and_is_gone_with_the_change(
    world: World,
) -> None:
    admin = world.users["journal_admin"]
    start = world.today + dt.timedelta(days=2)
    with schema_context("school1"):
        order = services.schedule_order_record(
            number="150-о", signed_on=world.today, title="О переносе уроков", by=admin
        )
        change = services.schedule_break_create(
            year=world.year,
            kind=ScheduleBreak.Kind.OTHER,
            title="Перенос учебного дня",
            starts_on=start,
            ends_on=start,
            order=order,
            by=admin,
        )
        (row,) = Announcement.objects.filter(schedule_break=change)
        assert row.class_group_id is None
        assert row.title == "Изменение расписания в школе"
        assert (row.for_parents, row.for_pupils, row.for_staff) == (True, True, True)
        for persona in ("parent", "other_parent", "pupil", "teacher"):
            assert "Изменение расписания в школе" in _titles(world, persona), persona
        # A new edition in force before the change began removes it, and its announcement.
        services.schedule_order_record(
            number="151-о",
            signed_on=world.today,
            title="Об отмене переноса",
            in_force_from=start,
            replaces=order,
            by=admin,
        )
        assert not ScheduleBreak.objects.filter(pk=change.pk).exists()
        assert not Announcement.objects.filter(title="Изменение расписания в школе").exists()


def test_the_calendars_holidays_and_past_changes_are_not_announced(world: World) -> None:
    with schema_context("school1"):
        calendar = ScheduleBreak.objects.filter(from_calendar=True)
        assert calendar.exists()  # the seeded calendar's holidays
        assert not Announcement.objects.filter(schedule_break__in=calendar).exists()
        if world.today - dt.timedelta(days=3) >= world.year.starts_on:
            past = services.schedule_break_create(
                year=world.year,
                kind=ScheduleBreak.Kind.QUARANTINE,
                title="Карантин",
                starts_on=world.today - dt.timedelta(days=3),
                ends_on=world.today - dt.timedelta(days=1),
                class_group_ids=[world.class5b.pk],
                by=world.users["journal_admin"],
            )
            assert not Announcement.objects.filter(schedule_break=past).exists()
