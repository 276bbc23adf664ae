"""A school year within a plausible range (SET-1, issue #11): a year starting in 0256 or far
ahead, or lasting years, is refused with Russian field errors and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from journal.structure import services as structure
from journal.structure.models import AcademicYear
from tests.world import World

URL = "/api/v1/structure/years/create/"


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "message"),
    [
        ("0256-09-01", "0257-05-31", "starts_on", "Начало учебного года — между 2000 и {latest}"),
        ("1999-09-01", "2000-05-31", "starts_on", "Начало учебного года — между 2000 и {latest}"),
        ("{far}-09-01", "{far_end}-05-31", "starts_on", "между 2000 и {latest} годом"),
        ("2027-09-01", "2029-05-31", "ends_on", "не может длиться дольше 13 месяцев"),
    ],
)
def test_implausible_year_is_refused_over_the_api(
    world: World, starts_on: str, ends_on: str, field: str, message: str
) -> None:
    latest = timezone.localdate().year + 5
    values = {"latest": latest, "far": latest + 1, "far_end": latest + 2}
    starts_on, ends_on = starts_on.format(**values), ends_on.format(**values)
    title = f"{starts_on[:4]}/{int(starts_on[:4]) + 1:04d}"
    with schema_context("school1"):
        before = AcademicYear.objects.count()
    response = world.client("director").post(
        URL, {"title": title, "starts_on": starts_on, "ends_on": ends_on}, format="json"
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert message.format(**values) in errors[field][0], errors
    with schema_context("school1"):
        assert AcademicYear.objects.count() == before


def test_the_edges_of_the_range_are_accepted(world: World) -> None:
    latest = timezone.localdate().year + 5
    with schema_context("school1"):
        year = structure.academic_year_create(
            title=f"{latest}/{latest + 1}",
            starts_on=dt.date(latest, 9, 1),
            ends_on=dt.date(latest + 1, 9, 30),  # 13 months
            make_current=False,
            by=world.users["director"],
        )
        assert year.pk
        with pytest.raises(ValidationError) as refused:
            structure.academic_year_create(
                title=f"{latest - 1}/{latest}",
                starts_on=dt.date(latest - 1, 9, 1),
                ends_on=dt.date(latest, 10, 15),
                make_current=False,
                by=world.users["director"],
            )
        assert refused.value.message_dict == {
            "ends_on": ["Учебный год не может длиться дольше 13 месяцев."]
        }
