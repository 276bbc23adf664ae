"""TPL-1: the operator creates, edits and publishes regulation versions; published ones stay."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, InternalError, transaction
from django.db.utils import DatabaseError

from catalog.models import RegulationTemplate, RegulationVersion
from catalog.seed import DEFAULT_REGULATION_CODE
from tests.catalog.conftest import school_client

LIST = "/api/v1/catalog/regulations/"


def versions_url(template_id: int) -> str:
    return f"/api/v1/catalog/regulations/{template_id}/versions/"


def version_url(version_id: int, suffix: str = "") -> str:
    return f"/api/v1/catalog/regulation-versions/{version_id}/{suffix}"


def test_seeded_default_regulation_is_listed_published(operator_client: Any) -> None:
    response = operator_client.get(LIST)
    assert response.status_code == 200
    default = next(t for t in response.json() if t["code"] == DEFAULT_REGULATION_CODE)
    assert default["is_default"] is True
    assert default["versions"][0]["status"] == "published"


def test_operator_creates_template_edits_draft_and_publishes(
    operator_client: Any, operator: Any
) -> None:
    response = operator_client.post(
        LIST,
        {
            "code": "gymnasium",
            "title": "Положение для гимназий",
            "version": {
                "text": "# Положение",
                "rules": {"parent_printout_days": 14},
                "fixed": ["mark_scale"],
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    draft = response.json()
    assert draft["status"] == "draft" and draft["number"] == 1
    assert draft["rules"]["parent_printout_days"] == 14
    assert draft["rules"]["mark_scale"] == [2, 3, 4, 5]  # the rest from the defaults
    assert draft["created_by"] == "alice"

    edited = operator_client.patch(
        version_url(draft["id"]), {"rules": {"min_marks_per_weekly_hour": 2}}, format="json"
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["rules"]["min_marks_per_weekly_hour"] == 2
    assert edited.json()["rules"]["parent_printout_days"] == 14

    published = operator_client.post(version_url(draft["id"], "publish/"))
    assert published.status_code == 200
    body = published.json()
    assert (
        body["status"] == "published" and body["published_by"] == "alice" and body["published_at"]
    )


def test_published_version_cannot_be_edited_edits_create_a_new_version(
    operator_client: Any, default_version: RegulationVersion
) -> None:
    before = RegulationVersion.objects.get(pk=default_version.pk)
    response = operator_client.patch(
        version_url(default_version.pk),
        {"rules": {"parent_printout_days": 14}, "title": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "новую редакцию" in response.json()["detail"]
    after = RegulationVersion.objects.get(pk=default_version.pk)
    assert (after.rules, after.title) == (before.rules, before.title)
    assert operator_client.post(version_url(default_version.pk, "publish/")).status_code == 400

    created = operator_client.post(
        versions_url(default_version.template_id),
        {"rules": {"parent_printout_days": 14}},
        format="json",
    )
    assert created.status_code == 201, created.json()
    new = created.json()
    assert new["number"] == default_version.number + 1 and new["status"] == "draft"
    assert new["rules"]["parent_printout_days"] == 14
    assert new["fixed"] == sorted(default_version.fixed)  # copied from the base version
    assert new["text"] == default_version.text


def test_database_refuses_to_change_or_delete_a_published_version(
    default_version: RegulationVersion,
) -> None:
    """Defence in depth: not even a direct UPDATE changes what schools adopted."""
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        RegulationVersion.objects.filter(pk=default_version.pk).update(title="подмена")
    with pytest.raises((IntegrityError, InternalError, DatabaseError)), transaction.atomic():
        RegulationVersion.objects.filter(pk=default_version.pk).delete()
    assert RegulationVersion.objects.get(pk=default_version.pk).title == default_version.title


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ({"unknown_rule": 1}, "rules.unknown_rule"),
        ({"mark_scale": [2, 3, 4, 5, 6]}, "rules.mark_scale.4"),
        ({"mark_entry_deadline_hours": -1}, "rules.mark_entry_deadline_hours"),
        ({"homework_deadline_hours": -5}, "rules.homework_deadline_hours"),
    ],
)
def test_invalid_rules_give_400_with_field_errors_and_nothing_saved(
    operator_client: Any, default_version: RegulationVersion, rules: dict[str, Any], field: str
) -> None:
    templates, versions = RegulationTemplate.objects.count(), RegulationVersion.objects.count()
    for url, payload in [
        (LIST, {"code": "bad-one", "title": "Плохое", "version": {"rules": rules}}),
        (versions_url(default_version.template_id), {"rules": rules}),
    ]:
        response = operator_client.post(url, payload, format="json")
        assert response.status_code == 400, response.json()
        body = response.json()
        assert field in body["errors"], body
        assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert RegulationTemplate.objects.count() == templates
    assert RegulationVersion.objects.count() == versions


def test_invalid_edit_of_a_draft_leaves_it_unchanged(
    operator_client: Any, default_version: RegulationVersion, operator: Any
) -> None:
    from catalog.services import regulation_version_create

    draft = regulation_version_create(template=default_version.template, by=operator)
    response = operator_client.patch(
        version_url(draft.pk), {"rules": {"mark_scale": [6]}, "title": "Новое"}, format="json"
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.rules == default_version.rules and draft.title == default_version.title


def test_unknown_fixed_rule_and_bad_code_are_named(operator_client: Any) -> None:
    response = operator_client.post(
        LIST, {"code": "Плохой код", "title": "x", "version": {"fixed": ["nope"]}}, format="json"
    )
    assert response.status_code == 400
    assert "code" in response.json()["errors"]
    response = operator_client.post(
        LIST, {"code": "good-code", "title": "x", "version": {"fixed": ["nope"]}}, format="json"
    )
    assert response.status_code == 400
    assert "fixed" in response.json()["errors"]
    assert not RegulationTemplate.objects.filter(code="good-code").exists()


def test_department_reads_templates_but_cannot_write(
    department_client: Any, default_version: RegulationVersion
) -> None:
    assert department_client.get(LIST).status_code == 200
    assert department_client.get(versions_url(default_version.template_id)).status_code == 200
    assert department_client.get(version_url(default_version.pk)).status_code == 200
    count = RegulationVersion.objects.count()
    attempts = [
        department_client.post(LIST, {"code": "dept", "title": "x"}, format="json"),
        department_client.post(versions_url(default_version.template_id), {}, format="json"),
        department_client.patch(version_url(default_version.pk), {"title": "x"}, format="json"),
        department_client.post(version_url(default_version.pk, "publish/")),
        department_client.post(
            f"/api/v1/catalog/regulations/{default_version.template_id}/make-default/"
        ),
    ]
    assert [r.status_code for r in attempts] == [403] * 5
    assert RegulationVersion.objects.count() == count
    assert not RegulationTemplate.objects.filter(code="dept").exists()


def test_anonymous_gets_403(public_client: Any, default_version: RegulationVersion) -> None:
    assert public_client.get(LIST).status_code == 403
    response = public_client.post(LIST, {"code": "anon", "title": "x"}, format="json")
    assert response.status_code == 403
    assert not RegulationTemplate.objects.filter(code="anon").exists()


def test_school_users_have_no_operator_routes(
    school1: Any, default_version: RegulationVersion
) -> None:
    client = school_client("school1")
    assert client.get(LIST).status_code == 404
    assert client.post(LIST, {"code": "school", "title": "x"}, format="json").status_code == 404
    assert (
        client.patch(version_url(default_version.pk), {"title": "x"}, format="json").status_code
        == 404
    )
    assert not RegulationTemplate.objects.filter(code="school").exists()


def test_make_default_moves_the_default(operator_client: Any, operator: Any) -> None:
    from catalog import services

    version = services.regulation_template_create(
        code="other", title="Другое", text="# Другое", by=operator
    )
    url = f"/api/v1/catalog/regulations/{version.template_id}/make-default/"
    assert operator_client.post(url).status_code == 400  # nothing published yet
    services.regulation_version_publish(version=version, by=operator)
    assert operator_client.post(url).json()["is_default"] is True
    assert list(
        RegulationTemplate.objects.filter(is_default=True).values_list("code", flat=True)
    ) == ["other"]
