"""TPL-1, TEN-2: schools adopt versions; current_rules follows the adoption, per school."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from catalog import services
from catalog.models import AdoptionRecord, PeriodScheme, RegulationVersion, SchoolAdoption
from catalog.rules import DEFAULT_RULES
from catalog.seed import DEFAULT_SCHEME_CODE
from catalog.selectors import current_rules, school_reporting_periods
from tests.catalog.conftest import school_client

URL = "/api/v1/catalog/adoptions/"


def test_onboarding_adopted_the_operators_defaults(
    school1: Any, default_version: RegulationVersion
) -> None:
    adoption = SchoolAdoption.objects.get(school=school1)
    assert adoption.regulation_version == default_version
    assert adoption.period_scheme is not None and adoption.period_scheme.code == DEFAULT_SCHEME_CODE
    record = AdoptionRecord.objects.filter(school=school1).last()
    assert record is not None and record.action == AdoptionRecord.Action.ONBOARDING
    rules = current_rules(school1)
    assert rules.version_id == default_version.pk
    assert rules == DEFAULT_RULES.__class__(
        **{**DEFAULT_RULES.__dict__, "version_id": default_version.pk}
    )


def test_adopting_a_new_version_changes_current_rules_for_that_school_only(
    school1: Any,
    school2: Any,
    published_v2: RegulationVersion,
    operator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert current_rules(school1).parent_printout_days == 7  # cached now, for both
    assert current_rules(school2).parent_printout_days == 7
    with django_capture_on_commit_callbacks(execute=True):
        services.school_adopt(school=school1, regulation_version=published_v2, by=operator)
    one, two = current_rules(school1), current_rules(school2)
    assert (one.version_id, one.parent_printout_days, one.mark_entry_deadline_hours) == (
        published_v2.pk,
        14,
        48,
    )
    assert (two.version_id, two.parent_printout_days) == (
        published_v2.template.versions.get(number=2).pk,
        7,
    )
    record = AdoptionRecord.objects.filter(school=school1).first()
    assert record is not None
    assert record.action == AdoptionRecord.Action.ROLL_FORWARD
    assert (
        record.by == operator
        and record.previous_version is not None
        and record.previous_version.number == 2
    )


def test_current_rules_without_argument_reads_the_active_school(
    school1: Any,
    published_v2: RegulationVersion,
    operator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.school_adopt(school=school1, regulation_version=published_v2, by=operator)
    with schema_context("school1"):
        assert current_rules().parent_printout_days == 14
    with schema_context("school2"):
        assert current_rules().parent_printout_days == 7
    assert current_rules() is DEFAULT_RULES  # the public site


def test_warm_current_rules_makes_no_query(school1: Any, django_assert_num_queries: Any) -> None:
    current_rules(school1)
    with django_assert_num_queries(0):
        rules = current_rules(school1)
    assert rules.version_id is not None
    with schema_context("school1"):
        current_rules()
        with django_assert_num_queries(0):
            current_rules()


def test_cold_current_rules_makes_one_query(
    school2: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        current_rules(school2)


def test_a_school_cannot_loosen_a_fixed_rule_and_nothing_is_saved(
    operator_client: Any,
    school1: Any,
    default_version: RegulationVersion,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert "backdating_window_days" in default_version.fixed
    records = AdoptionRecord.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            URL,
            {
                "schools": [school1.pk],
                "regulation_version": default_version.pk,
                "overrides": {"backdating_window_days": 3, "mark_scale": [1, 2, 3, 4, 5]},
            },
            format="json",
        )
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert set(errors) == {
        "schools.school1.overrides.backdating_window_days",
        "schools.school1.overrides.mark_scale",
    }
    assert "строже" in errors["schools.school1.overrides.mark_scale"][0]
    assert AdoptionRecord.objects.count() == records
    assert SchoolAdoption.objects.get(school=school1).overrides == {}
    assert current_rules(school1).backdating_window_days == 0


def test_a_school_may_tighten_fixed_rules_and_set_its_own_free_rules(
    operator_client: Any,
    school1: Any,
    default_version: RegulationVersion,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            URL,
            {
                "schools": [school1.pk],
                "regulation_version": default_version.pk,
                "overrides": {"correction": {"window_days": 3}, "parent_printout_days": 14},
            },
            format="json",
        )
    assert response.status_code == 200, response.json()
    rules = current_rules(school1)
    assert rules.correction.window_days == 3 and rules.parent_printout_days == 14
    assert response.json()[0]["overrides"] == {
        "correction": {
            "allowed": False,
            "window_days": 3,
            "roles": ["deputy", "director"],
            "reason_required": True,
        },
        "parent_printout_days": 14,
    }


def test_roll_forward_keeps_the_schools_own_decisions(
    school1: Any, published_v2: RegulationVersion, default_version: RegulationVersion, operator: Any
) -> None:
    services.school_adopt(
        school=school1,
        regulation_version=default_version,
        overrides={"min_marks_per_weekly_hour": 2},
        by=operator,
    )
    services.school_adopt(
        school=school1, regulation_version=published_v2, by=operator
    )  # overrides=None: kept
    assert SchoolAdoption.objects.get(school=school1).overrides == {"min_marks_per_weekly_hour": 2}


def test_adoption_for_many_schools_is_all_or_nothing(
    operator_client: Any, school1: Any, school2: Any, published_v2: RegulationVersion, operator: Any
) -> None:
    services.school_adopt(
        school=school2,
        regulation_version=published_v2,
        overrides={"parent_printout_days": 21},
        by=operator,
    )
    # A version 3 that fixes the printout frequency at 14: school2's 21 would loosen it.
    v3 = services.regulation_version_create(
        template=published_v2.template,
        by=operator,
        fixed=[*published_v2.fixed, "parent_printout_days"],
    )
    services.regulation_version_publish(version=v3, by=operator)
    before = {a.school_id: a.regulation_version_id for a in SchoolAdoption.objects.all()}
    response = operator_client.post(
        URL, {"all_schools": True, "regulation_version": v3.pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["schools.school2.overrides.parent_printout_days"]
    assert {a.school_id: a.regulation_version_id for a in SchoolAdoption.objects.all()} == before


def test_operator_rolls_many_schools_forward_and_sees_who_is_behind(
    operator_client: Any, school1: Any, school2: Any, published_v2: RegulationVersion
) -> None:
    listing = {row["slug"]: row for row in operator_client.get(URL).json()}
    assert listing["school1"]["behind"] is True  # v3 is out, both are on v2
    assert listing["school1"]["regulation"]["number"] == 2
    assert listing["school1"]["latest_version_id"] == published_v2.pk

    response = operator_client.post(
        URL,
        {"schools": [school1.pk, school2.pk], "regulation_version": published_v2.pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert {row["slug"]: row["regulation"]["number"] for row in response.json()} == {
        "school1": 3,
        "school2": 3,
    }
    listing = {row["slug"]: row for row in operator_client.get(URL).json()}
    assert listing["school1"]["behind"] is False and listing["school1"]["adopted_by"] == "alice"

    history = operator_client.get(f"{URL}history/?school={school1.pk}").json()
    assert history[0]["action"] == "roll_forward" and history[0]["by"] == "alice"
    assert (history[0]["previous_version_number"], history[0]["version_number"]) == (2, 3)
    assert history[-1]["action"] == "onboarding"


def test_adoption_list_query_count_does_not_grow_with_schools(
    operator_client: Any, school1: Any
) -> None:
    """Two schools and five: the same number of queries for the adoption list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.services import school_create

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = operator_client.get(URL)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json())

    queries()  # warm: the first request also loads the session and the operator's groups
    few, listed = queries()
    for n, inn in enumerate(("7830002293", "7707049388", "7702070139")):
        school_create(
            slug=f"grow{n}",
            name=f"МБОУ «СОШ № {80 + n}»",
            short_name=f"СОШ № {80 + n}",
            inn=inn,
            admin_email=f"a{n}@b.example",
        )
    many, listed_after = queries()
    assert listed_after == listed + 3
    assert many == few, (few, many)


def test_a_draft_cannot_be_adopted(
    operator_client: Any, school1: Any, default_version: RegulationVersion, operator: Any
) -> None:
    draft = services.regulation_version_create(template=default_version.template, by=operator)
    response = operator_client.post(
        URL, {"schools": [school1.pk], "regulation_version": draft.pk}, format="json"
    )
    assert response.status_code == 400
    assert "schools.school1.regulation_version" in response.json()["errors"]
    assert SchoolAdoption.objects.get(school=school1).regulation_version == default_version


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"regulation_version": 1}, "schools"),
        ({"schools": [999999], "regulation_version": 1}, "schools"),
        ({"all_schools": True, "regulation_version": 999999}, "regulation_version"),
        ({"all_schools": True, "overrides": "x"}, "overrides"),
    ],
)
def test_bad_adoption_input_is_named(
    operator_client: Any, school1: Any, payload: dict[str, Any], field: str
) -> None:
    records = AdoptionRecord.objects.count()
    response = operator_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert AdoptionRecord.objects.count() == records


def test_only_the_operator_adopts_or_lists_adoptions(
    public_client: Any, department_user: Any, school1: Any, default_version: RegulationVersion
) -> None:
    records = AdoptionRecord.objects.count()
    payload = {"all_schools": True, "regulation_version": default_version.pk}
    assert public_client.get(URL).status_code == 403
    assert public_client.post(URL, payload, format="json").status_code == 403
    public_client.force_authenticate(department_user)
    assert public_client.get(URL).status_code == 403
    assert public_client.get(f"{URL}history/").status_code == 403
    assert public_client.post(URL, payload, format="json").status_code == 403
    school = school_client("school1")
    assert school.post(URL, payload, format="json").status_code == 404
    assert AdoptionRecord.objects.count() == records


def test_school_reporting_periods_follow_the_adopted_scheme(school1: Any, operator: Any) -> None:
    quarters = school_reporting_periods(school1, start_year=2026, grade=5)
    assert [p.title for p in quarters] == [
        "1-я четверть",
        "2-я четверть",
        "3-я четверть",
        "4-я четверть",
    ]
    halves = school_reporting_periods(school1, start_year=2026, grade=10)
    assert [p.kind for p in halves] == ["half_year", "half_year"]
    assert school_reporting_periods(school1, start_year=2031, grade=5) == []
    trimesters = PeriodScheme.objects.get(code="trimesters")
    services.school_adopt(
        school=school1,
        regulation_version=SchoolAdoption.objects.get(school=school1).regulation_version,
        period_scheme=trimesters,
        by=operator,
    )
    with schema_context("school1"):
        assert len(school_reporting_periods(start_year=2026, grade=5)) == 3


def test_public_site_cannot_adopt(default_version: RegulationVersion) -> None:
    from core.errors import ApplicationError
    from tenants.models import School

    public = School.objects.get(schema_name="public")
    with pytest.raises(ApplicationError):
        services.school_adopt(school=public, regulation_version=default_version, by=None)
    with pytest.raises(ValidationError):
        services.schools_adopt(schools=[public], regulation_version=default_version, by=None)
