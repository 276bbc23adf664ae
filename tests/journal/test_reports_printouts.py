"""DIA-3: printouts for the parents who declined electronic access, against the hand-built
5В (tests/journal/reports_school.py), and the task's idempotency per school × class × span.

Parents: Алексеев's mother declined electronic access; Борисов's father did not; Васильев
has two parents, one of whom declined. Exactly Алексеев and Васильев get a page.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from journal.reports.models import ParentPrintout
from journal.reports.printouts import parent_printouts_make, printout_list, span_of
from journal.roster import services as roster
from tests import clock
from tests.catalog.adopt import adopt_rules
from tests.journal.reports_school import ReportsSchool, build_reports_school, in_period_end
from tests.world import World


@pytest.fixture
def school(world: World) -> Any:
    with in_period_end(world), schema_context("school1"):
        built = build_reports_school(world)
        secretary = world.users["secretary"]
        for pupil, name, declined in (
            ("Алексеев", "Алексеева", True),
            ("Борисов", "Борисов", False),
            ("Васильев", "Васильева", False),
            ("Васильев", "Васильев", True),
        ):
            guardian = roster.guardian_create(
                last_name=name,
                first_name="Родитель",
                declined_electronic_access=declined,
                by=secretary,
            )
            roster.guardian_link_create(
                guardian=guardian, pupil=built.pupils[pupil], relation="other", by=secretary
            )
        yield built


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_span_of_counts_whole_spans_from_a_monday() -> None:
    # 2026-12-07 is a Monday: the last whole week before it is 30.11–06.12.
    assert span_of(dt.date(2026, 12, 7), 7) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert span_of(dt.date(2026, 12, 13), 7) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert span_of(dt.date(2026, 12, 14), 7) == (dt.date(2026, 12, 7), dt.date(2026, 12, 13))


def test_exactly_the_parents_without_electronic_access_get_a_page(school: ReportsSchool) -> None:
    """DIA-3: one PDF for 5В, a page for Алексеев and Васильев only."""
    first = school.lessons[0]
    monday = first.date - dt.timedelta(days=first.date.weekday())
    with schema_context("school1"):
        made = parent_printouts_make(on=monday + dt.timedelta(days=7))
        mine = [p for p in made if p.class_group_id == school.class_group.pk]
        assert len(mine) == 1
        printout = mine[0]
        assert (printout.starts_on, printout.ends_on) == (monday, monday + dt.timedelta(days=6))
        assert sorted(printout.pupil_ids) == sorted(
            [school.pupils["Алексеев"].pk, school.pupils["Васильев"].pk]
        )
    pages = _pages(bytes(printout.content))
    assert len(pages) == 2
    assert "Алексеев Иван" in pages[0] and "Васильев Иван" in pages[1]
    assert not any("Борисов" in p or "Григорьев" in p for p in pages)
    # Алексеев's «5» of the first lesson, its homework, the period mark, the signature.
    assert f"5 ({first.date:%d.%m})" in pages[0]
    assert "№ 12, 14" in pages[0]
    assert "Классный руководитель" in pages[0]
    if first.date.weekday() < 6:  # the second lesson (the next day) falls in the same week
        assert "Н" in pages[1]


def test_the_task_is_idempotent_per_class_and_span(school: ReportsSchool) -> None:
    first = school.lessons[0]
    on = first.date - dt.timedelta(days=first.date.weekday()) + dt.timedelta(days=7)
    with schema_context("school1"):
        parent_printouts_make(on=on)
        again = parent_printouts_make(on=on + dt.timedelta(days=3))  # the same span
        assert again == []
        assert ParentPrintout.objects.filter(class_group=school.class_group).count() == 1
        listed = printout_list(
            class_group_id=school.class_group.pk, for_user=school.users["class_teacher"]
        )
        assert len(listed) == 1


def test_every_two_weeks_by_the_regulation(school: ReportsSchool) -> None:
    """DIA-3, 002: the printout covers 14 days when the regulation says so."""
    with schema_context("school1"):
        adopt_rules("school1", parent_printout_days=14)
        first = school.lessons[0]
        start, end = span_of(first.date + dt.timedelta(days=14), 14)
        made = parent_printouts_make(on=first.date + dt.timedelta(days=14))
        mine = [p for p in made if p.class_group_id == school.class_group.pk]
        assert [(p.starts_on, p.ends_on) for p in mine] == [(start, end)]
        assert (end - start).days == 13


def test_other_classes_teacher_gets_404(school: ReportsSchool) -> None:
    from django.http import Http404

    with schema_context("school1"), pytest.raises(Http404):
        printout_list(class_group_id=school.class_group.pk, for_user=school.users["teacher"])


def test_the_scheduled_task_runs_per_school_once_per_span(school: ReportsSchool) -> None:
    """DIA-3: the beat entry fans the task out from public; in a school it makes the span's
    printouts once (a redelivery and a later run in the same span do nothing)."""
    from django.conf import settings

    from config.celery import app
    from journal.reports.printout_tasks import parent_printouts

    entry = settings.CELERY_BEAT_SCHEDULE["parent-printouts-daily"]
    assert entry["task"] == "tenants.for_each_school"
    assert entry["args"] == ["reports.parent_printouts"]
    assert "reports.parent_printouts" in app.tasks
    first = school.lessons[0]
    monday = first.date - dt.timedelta(days=first.date.weekday())
    with clock.on(monday + dt.timedelta(days=7)):
        headers = {"_schema_name": "school1"}
        made = parent_printouts.apply(task_id="p-1", headers=headers).get()
        again = parent_printouts.apply(task_id="p-1", headers=headers).get()
        later = parent_printouts.apply(task_id="p-2", headers=headers).get()
    assert made >= 1 and again == 0 and later == 0
    with schema_context("school1"):
        assert ParentPrintout.objects.filter(class_group=school.class_group).count() == 1


def test_pages_keep_their_query_count_for_7_and_27_pupils(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from journal.reports.printouts import pupil_pages

    with in_period_end(world), schema_context("school1"):
        small_school = build_reports_school(world)
        first = small_school.lessons[0]

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                pupil_pages(
                    class_group=small_school.class_group,
                    starts_on=first.date,
                    ends_on=first.date + dt.timedelta(days=13),
                    title="t",
                )
            return len(ctx.captured_queries)

        small = count()
        for i in range(20):
            roster.pupil_create(
                last_name=f"Доп{i:02d}",
                first_name="Иван",
                class_group=small_school.class_group,
                enrolled_on=small_school.period.starts_on,
                order_number=f"p-{i}",
                by=world.users["secretary"],
            )
        large = count()
    assert small == large <= 8, (small, large)
