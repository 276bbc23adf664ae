"""An empty regulation version is refused (TPL-1, issue #11): a version needs its text, on
creation and on edit, through the service and the operator's API; nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from catalog import services
from catalog.models import RegulationTemplate, RegulationVersion

LIST = "/api/v1/catalog/regulations/"
MESSAGE = "Введите текст положения: пустую редакцию сохранить нельзя."


def test_template_without_text_is_refused_over_the_api(operator_client: Any) -> None:
    for version in ({}, {"text": "   \n", "rules": {"parent_printout_days": 14}}):
        response = operator_client.post(
            LIST, {"code": "empty", "title": "Пустое", "version": version}, format="json"
        )
        assert response.status_code == 400, response.content
        assert response.json()["errors"] == {"text": [MESSAGE]}
    assert not RegulationTemplate.objects.filter(code="empty").exists()


def test_new_version_with_empty_text_or_rules_is_refused(
    operator_client: Any, default_version: RegulationVersion
) -> None:
    url = f"{LIST}{default_version.template_id}/versions/"
    before = RegulationVersion.objects.count()
    empty_text = operator_client.post(url, {"text": ""}, format="json")
    assert empty_text.status_code == 400
    assert empty_text.json()["errors"] == {"text": [MESSAGE]}
    assert RegulationVersion.objects.count() == before


def test_a_draft_cannot_be_emptied(operator: Any, default_version: RegulationVersion) -> None:
    draft = services.regulation_version_create(template=default_version.template, by=operator)
    assert draft.text == default_version.text != ""
    with pytest.raises(ValidationError) as refused:
        services.regulation_version_update(version=draft, by=operator, text=" ")
    assert refused.value.message_dict == {"text": [MESSAGE]}
    draft.refresh_from_db()
    assert draft.text == default_version.text
    with pytest.raises(ValidationError) as no_rules:
        services.regulation_template_create(
            code="norules",
            title="Без правил",
            text="# Текст",
            rules={"mark_scale": []},
            by=operator,
        )
    assert "rules.mark_scale" in no_rules.value.message_dict
