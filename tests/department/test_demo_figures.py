"""make demo: period marks for the ended periods, so the department's dashboard shows
figures and charts for the demo schools right after the seed (issue #13)."""

from __future__ import annotations

from typing import Any

from department.selectors import Filters, chart_data, department_overview, period_list
from department.services import rollup_refresh
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from journal.register.models import PeriodMark
from journal.rollup.management.commands.demo_seed_period_marks import period_marks_seed
from journal.structure.models import ReportingPeriod


def test_demo_period_marks_give_the_dashboard_figures(school2: Any) -> None:
    with schema_context("school2"):
        call_command("demo_seed_journal", pupils=6, weeks=1, verbosity=0)
        ended = ReportingPeriod.objects.filter(ends_on__lt=timezone.localdate())
        assert ended.exists(), "the suite's clock is past the 1st quarter"
        made = period_marks_seed()
        assert made > 0
        assert PeriodMark.objects.filter(period__in=ended).count() == made
        assert not PeriodMark.objects.exclude(period__in=ended).exists()  # ended periods only
        assert period_marks_seed() == 0  # idempotent
        values = set(PeriodMark.objects.values_list("value", flat=True))
        assert {"3", "4", "5"} <= values
        rollup_refresh()
    periods = period_list()
    assert periods
    overview = department_overview(period=periods[-1])
    figures = {f.title: f.value for f in overview["figures"]}
    assert figures["Школ"] == 1
    assert figures["Успеваемость"] is not None and figures["Качество знаний"] is not None
    series = chart_data(chart="distribution", filters=Filters(period=periods[-1]))
    assert sum(series["datasets"][0]["data"]) > 0
