"""The class teacher's records (journal.homeroom; 002 п.5 Кл.рук. б), г), д), 002 Регламент
п.3; REP-6, DIA-5): the monthly data check, parents' acknowledgement of period marks, the
summary's stage by date — their rules, rights and the closed year (YEAR-1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from core.errors import PermissionDeniedError
from core.russian import accusative
from journal.homeroom import selectors, services
from journal.homeroom.models import DataCheck, MarksAcknowledgement
from journal.register.models import PeriodMark
from journal.roster.models import Guardian
from journal.structure.closing import YearClosedError
from journal.yearend.models import YearClosing
from tests import clock
from tests.world import World


def _november(world: World) -> dt.date:
    return dt.date(world.year.starts_on.year, 11, 20)


def _close(world: World) -> None:
    YearClosing.objects.create(
        year=world.year,
        order_number="9-о",
        order_date=world.today,
        closed_by=world.users["director"],
    )


def test_data_check_is_recorded_once_a_month_by_the_class_teacher(world: World) -> None:
    y = world.year.starts_on.year
    with schema_context("school1"), clock.on(_november(world)):
        check = services.data_check_record(
            class_group=world.class5a,
            month=dt.date(y, 10, 17),  # any day names its month
            checked_on=dt.date(y, 10, 30),
            note="  исправлена дата рождения ",
            by=world.users["class_teacher"],
        )
        assert (check.month, check.note) == (dt.date(y, 10, 1), "исправлена дата рождения")
        with pytest.raises(ValidationError) as twice:
            services.data_check_record(
                class_group=world.class5a,
                month=dt.date(y, 10, 1),
                checked_on=dt.date(y, 11, 2),
                note="",
                by=world.users["class_teacher"],
            )
        assert twice.value.message_dict["month"] == [
            f"Сверка за октябрь {y} уже записана 30.10.{y}."
        ]
        with pytest.raises(ValidationError) as outside:
            services.data_check_record(
                class_group=world.class5a,
                month=dt.date(y - 1, 6, 1),
                checked_on=dt.date(y, 10, 2),
                note="",
                by=world.users["class_teacher"],
            )
        assert outside.value.message_dict["month"] == [
            f"Месяц вне учебного года {world.year.title}."
        ]
        for persona in ("deputy", "teacher", "parent"):
            with pytest.raises(PermissionDeniedError):
                services.data_check_record(
                    class_group=world.class5a,
                    month=dt.date(y, 9, 1),
                    checked_on=dt.date(y, 10, 2),
                    note="",
                    by=world.users[persona],
                )
        assert DataCheck.objects.count() == 1
        # The database keeps one check per class and month whatever the caller.
        with pytest.raises(IntegrityError), transaction.atomic():
            DataCheck.objects.create(
                class_group=world.class5a,
                month=dt.date(y, 10, 1),
                checked_on=dt.date(y, 10, 2),
                checked_by=world.users["class_teacher"],
            )


def test_months_are_overdue_after_their_end_without_a_check(world: World) -> None:
    y = world.year.starts_on.year
    with schema_context("school1"), clock.on(_november(world)):
        services.data_check_record(
            class_group=world.class5a,
            month=dt.date(y, 9, 1),
            checked_on=dt.date(y, 9, 29),
            note="",
            by=world.users["class_teacher"],
        )
        months = selectors.data_check_months(
            group=world.class5a, on=_november(world), for_user=world.users["class_teacher"]
        )
    assert [(m.month.month, m.status, m.late) for m in months] == [
        (11, selectors.DUE, False),
        (10, selectors.OVERDUE, False),
        (9, selectors.CHECKED, False),
    ]


def test_summary_stage_follows_the_date_rep6(world: World) -> None:
    p = world.period
    assert selectors.summary_stage(p, p.ends_on - dt.timedelta(days=15)) == selectors.INTERIM
    assert selectors.summary_stage(p, p.ends_on - dt.timedelta(days=14)) == selectors.PRELIMINARY
    assert selectors.summary_stage(p, p.ends_on - dt.timedelta(days=1)) == selectors.PRELIMINARY
    assert selectors.summary_stage(p, p.ends_on) == selectors.FINAL
    assert selectors.summary_stage(p, p.ends_on + dt.timedelta(days=30)) == selectors.FINAL


def _period_mark(world: World) -> None:
    PeriodMark.objects.create(
        pupil=world.pupils[0],
        assignment=world.math5a,
        period=world.period,
        kind="period",
        value="5",
        entered_by=world.users["teacher"],
    )


def test_acknowledgement_is_stored_once_per_guardian_pupil_and_period_dia5(world: World) -> None:
    with schema_context("school1"):
        _period_mark(world)
        first, created = services.marks_acknowledge(
            pupil=world.pupils[0], period=world.period, by=world.users["parent"]
        )
        again, created_again = services.marks_acknowledge(
            pupil=world.pupils[0], period=world.period, by=world.users["parent"]
        )
        assert created and not created_again and again.pk == first.pk
        assert first.guardian == Guardian.objects.get(user=world.users["parent"])
        assert MarksAcknowledgement.objects.count() == 1
        with pytest.raises(IntegrityError), transaction.atomic():
            MarksAcknowledgement.objects.create(
                guardian=first.guardian, pupil=world.pupils[0], period=world.period
            )


def test_only_a_linked_parent_acknowledges_and_only_given_marks_dia5(world: World) -> None:
    with schema_context("school1"):
        with pytest.raises(ValidationError) as none_yet:
            services.marks_acknowledge(
                pupil=world.pupils[0], period=world.period, by=world.users["parent"]
            )
        assert none_yet.value.message_dict["period"] == [
            f"Отметок за {accusative(world.period.title)} ещё нет."
        ]
        _period_mark(world)
        for persona in ("other_parent", "pupil", "class_teacher", "director"):
            with pytest.raises(PermissionDeniedError):
                services.marks_acknowledge(
                    pupil=world.pupils[0], period=world.period, by=world.users[persona]
                )
        assert not MarksAcknowledgement.objects.exists()


def test_the_closed_year_refuses_both_records_year1(world: World) -> None:
    y = world.year.starts_on.year
    with schema_context("school1"), clock.on(_november(world)):
        _period_mark(world)
        _close(world)
        with pytest.raises(YearClosedError):
            services.data_check_record(
                class_group=world.class5a,
                month=dt.date(y, 10, 1),
                checked_on=dt.date(y, 10, 2),
                note="",
                by=world.users["class_teacher"],
            )
        with pytest.raises(YearClosedError):
            services.marks_acknowledge(
                pupil=world.pupils[0], period=world.period, by=world.users["parent"]
            )
        assert not DataCheck.objects.exists() and not MarksAcknowledgement.objects.exists()
