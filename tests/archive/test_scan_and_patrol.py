"""ARC-1, ARC-6: the nightly scan archives every ended period and, once the year is closed
(a `YearClosing` row: journal.yearend's year close), each class's year package with the
summary sheet; running it again adds nothing. ARC-3: the patrol checks ⌈packages / 28⌉ a
night, the ones checked longest ago first, so every package is checked within 28 nights."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from django_tenants.utils import schema_context

from journal.archive.models import ArchivePackage
from journal.archive.services import (
    PAPER_COPY_FILE,
    PATROL_DAYS,
    SUMMARY_FILE,
    archive_due,
    package_verify,
    patrol_run,
)
from journal.structure.models import ClassGroup, ReportingPeriod
from journal.yearend.models import YearClosing
from tests import clock
from tests.archive.conftest import Archived
from tests.world import World


def test_the_scan_archives_ended_periods_and_the_closed_year_once_arc1_arc6(
    world: World, archive_settings: Path
) -> None:
    with schema_context("school1"):
        year = world.year
        day = year.ends_on + dt.timedelta(days=1)
        with clock.on(day):
            YearClosing.objects.create(
                year=year,
                order_number="12-о",
                order_date=year.ends_on,
                closed_by=world.users["director"],
            )
            built = archive_due(on=day)
            classes = ClassGroup.objects.filter(year=year).count()
            expected_periods = sum(
                ClassGroup.objects.filter(
                    year=year, grade__gte=p.grade_from, grade__lte=p.grade_to
                ).count()
                for p in ReportingPeriod.objects.filter(year=year)
            )
            years = [p for p in built if p.kind == ArchivePackage.Kind.YEAR]
            assert len(years) == classes
            assert len(built) == classes + expected_periods
            for package in years:
                names = {e["name"] for e in package.files}
                assert SUMMARY_FILE in names and PAPER_COPY_FILE not in names
                assert package.manifest_keep_until == year.ends_on.replace(
                    year=year.ends_on.year + 25
                )
                assert package_verify(package) == []
            assert archive_due(on=day) == []


def test_the_patrol_checks_a_slice_oldest_first_arc3(archived: Archived) -> None:
    count = len(archived.packages)
    assert patrol_run().checked == max(1, math.ceil(count / PATROL_DAYS))
    # One a night: each night the package checked longest ago.
    order = []
    for _night in range(count):
        oldest = ArchivePackage.objects.order_by("checked_at", "leaf_index").first()
        assert oldest is not None
        patrol_run(limit=1)
        oldest.refresh_from_db()
        order.append(oldest.pk)
    assert sorted(order) == sorted(p.pk for p in archived.packages)  # each one, once
    checked = patrol_run(limit=count)
    assert checked.checked == count and not checked.repaired and not checked.broken
