"""The operator's template rules as a form with fields per rule (issue #15, TPL-1): fields
generated from the rules' schema with Russian labels and choices, the raw JSON only as an
advanced option, Russian errors next to the rule's field, nothing saved on an error."""

from __future__ import annotations

from typing import Any

from console.template_forms import VersionCreateForm
from django.test import Client

from catalog.models import RegulationVersion
from tests.console.test_console_templates import default_template, new_url, next_number


def signed_in(user: Any) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def posted_as_shown() -> dict[str, Any]:
    """What the page posts when nothing is changed: every field with its shown value."""
    base = default_template().versions.order_by("-number").first()
    assert base is not None
    form = VersionCreateForm(
        initial={"title": base.title, "text": base.text}, base_rules=base.rules
    )
    data: dict[str, Any] = {"rule_fields": "1", "rules": ""}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def test_the_form_has_a_field_per_rule_with_russian_labels_and_json_only_as_an_option(
    operator: Any,
) -> None:
    html = signed_in(operator).get(new_url(default_template())).content.decode()
    assert html.count('class="rule" data-rule') >= 15  # one box per rule
    assert "В часах, от 0 до 744" in html  # the unit and bounds of a number
    for label in (
        "Шкала отметок",
        "Срок выставления отметок за урок",
        "Порядок исправления ошибок",
        "Исправления разрешены",
        "Виды работ",
        "Периодичность бумажных копий",
    ):
        assert label in html, label
    assert 'name="rule__mark_entry_deadline_hours"' in html and 'type="number"' in html
    assert "с конца дня урока" in html  # a choice by its Russian name, not its code
    assert "Ответ на уроке" in html  # the work kinds' rows
    assert '<details class="advanced"' in html and "Дополнительно: правила в формате JSON" in html
    assert '"mark_scale"' not in html  # no JSON document in the page


def test_changed_fields_make_the_drafts_rules(operator: Any) -> None:
    number = next_number()
    data = posted_as_shown()
    data["title"] = "Редакция с полями"
    data["rule__parent_printout_days"] = "14"
    data["rule__correction__window_days"] = "5"
    rows = sum(1 for k in data if k.startswith("rule__work_kinds__") and k.endswith("__title"))
    data[f"rule__work_kinds__{rows}__title"] = "Диктант на слух"
    data[f"rule__work_kinds__{rows}__weight"] = "2"
    data[f"rule__work_kinds__{rows}__written"] = "on"
    response = signed_in(operator).post(new_url(default_template()), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    version = RegulationVersion.objects.get(template=default_template(), number=number)
    assert version.rules["parent_printout_days"] == 14
    assert version.rules["correction"]["window_days"] == 5
    added = version.rules["work_kinds"][-1]
    assert added["title"] == "Диктант на слух" and added["weight"] == 2 and added["written"]
    base = default_template().versions.get(number=number - 1)
    assert version.rules["mark_scale"] == base.rules["mark_scale"]  # unchanged rules kept
    assert version.rules["work_kinds"][:-1] == base.rules["work_kinds"]


def test_errors_are_russian_and_next_to_the_rule_and_nothing_is_saved(operator: Any) -> None:
    number = next_number()
    data = posted_as_shown()
    data["rule__parent_printout_days"] = "0"  # the schema's minimum is 1
    page = signed_in(operator).post(new_url(default_template()), data)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="rule__parent_printout_days-errors"' in html and "Не меньше 1." in html
    # A rule the catalogue refuses: one value on the mark scale (at least two).
    data = posted_as_shown()
    data["rule__mark_scale"] = ["5"]
    page = signed_in(operator).post(new_url(default_template()), data)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="rule__mark_scale-errors"' in html and "Нужно не меньше 2 значений." in html
    assert not RegulationVersion.objects.filter(template=default_template(), number=number).exists()


def test_the_advanced_json_applies_over_the_fields(operator: Any) -> None:
    number = next_number()
    data = posted_as_shown()
    data["rules"] = '{"parent_printout_days": 21}'
    assert signed_in(operator).post(new_url(default_template()), data).status_code == 302
    version = RegulationVersion.objects.get(template=default_template(), number=number)
    assert version.rules["parent_printout_days"] == 21
