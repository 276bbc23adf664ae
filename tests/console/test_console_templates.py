"""Operator console: regulation templates, drafts, publishing, adoption (TPL-1, issue #5)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import User
from catalog import services
from catalog.models import AdoptionRecord, RegulationTemplate, RegulationVersion, SchoolAdoption
from catalog.seed import DEFAULT_REGULATION_CODE

LIST = "/console/templates/"
ADOPT = "/console/templates/adopt/"


def signed_in(user: Any, host: str = "localhost") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def default_template() -> RegulationTemplate:
    return RegulationTemplate.objects.get(code=DEFAULT_REGULATION_CODE)


def next_number() -> int:
    """The number a new draft of the default template gets (the seed publishes editions)."""
    return default_template().versions.count() + 1


def new_url(template: RegulationTemplate) -> str:
    return f"/console/templates/{template.pk}/versions/new/"


def draft(operator: Any, **changes: Any) -> RegulationVersion:
    return services.regulation_version_create(
        template=default_template(), by=operator, title="Черновик 2", rules=changes or None
    )


def test_operator_sees_templates_with_versions_and_status(operator: Any, school1: Any) -> None:
    version = draft(operator)
    page = signed_in(operator).get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert default_template().title in html
    assert "Опубликована" in html and "Черновик" in html
    assert f"/console/templates/versions/{version.pk}/publish/" in html
    assert new_url(default_template()) in html


def test_operator_creates_a_draft_from_the_form(operator: Any) -> None:
    number = next_number()
    client = signed_in(operator)
    form = client.get(new_url(default_template()))
    assert form.status_code == 200
    assert "mark_entry_deadline_hours" in form.content.decode()  # prefilled with the rules
    done = client.post(
        new_url(default_template()),
        {"title": "Редакция 2026", "text": "# Положение", "rules": '{"parent_printout_days": 14}'},
        follow=True,
    )
    assert done.status_code == 200
    assert f"Создан черновик редакции {number}" in done.content.decode()
    version = RegulationVersion.objects.get(template=default_template(), number=number)
    assert version.status == "draft" and version.title == "Редакция 2026"
    assert version.rules["parent_printout_days"] == 14
    assert version.created_by == operator


def test_bad_rules_show_the_catalogs_russian_errors_and_keep_the_input(operator: Any) -> None:
    number = next_number()
    client = signed_in(operator)
    rules = json.dumps({"mark_scale": [2, 3, 4, 7], "no_such_rule": 1})
    page = client.post(
        new_url(default_template()), {"title": "Плохая", "text": "текст", "rules": rules}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Значение должно быть не больше 5." in html
    assert "Неизвестный параметр." in html
    assert 'value="Плохая"' in html and "no_such_rule" in html
    broken = client.post(new_url(default_template()), {"title": "", "rules": "{oops"})
    assert broken.status_code == 400
    assert "неверный JSON" in broken.content.decode()
    empty_title = client.post(new_url(default_template()), {"title": "", "rules": ""})
    assert empty_title.status_code == 400
    assert "Укажите заголовок редакции." in empty_title.content.decode()
    assert not RegulationVersion.objects.filter(template=default_template(), number=number).exists()


def test_operator_publishes_a_draft_once(operator: Any) -> None:
    version = draft(operator)
    client = signed_in(operator)
    url = f"/console/templates/versions/{version.pk}/publish/"
    assert client.get(url).status_code == 405
    done = client.post(url, follow=True)
    assert "опубликована" in done.content.decode()
    version.refresh_from_db()
    assert version.is_published and version.published_by == operator
    again = client.post(url, follow=True)
    assert "Редакция уже опубликована." in again.content.decode()


def test_operator_adopts_a_version_for_several_schools(
    operator: Any, school1: Any, school2: Any, django_capture_on_commit_callbacks: Any
) -> None:
    version = services.regulation_version_publish(version=draft(operator), by=operator)
    client = signed_in(operator)
    form = client.get(f"{ADOPT}?version={version.pk}")
    assert form.status_code == 200 and "СОШ № 1" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            ADOPT, {"version": version.pk, "schools": [school1.pk, school2.pk]}, follow=True
        )
    assert "принята" in done.content.decode()
    assert set(SchoolAdoption.objects.values_list("school__slug", "regulation_version")) >= {
        ("school1", version.pk),
        ("school2", version.pk),
    }
    one = services.regulation_version_publish(
        version=services.regulation_version_create(
            template=default_template(), by=operator, title="Редакция 3"
        ),
        by=operator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADOPT, {"version": one.pk, "schools": [school2.pk]})
    assert SchoolAdoption.objects.get(school=school2).regulation_version == one
    assert SchoolAdoption.objects.get(school=school1).regulation_version == version


def test_adopt_refuses_drafts_and_empty_school_lists_in_russian(
    operator: Any, school1: Any
) -> None:
    version = draft(operator)
    before = AdoptionRecord.objects.count()
    client = signed_in(operator)
    page = client.post(ADOPT, {"version": version.pk, "schools": [school1.pk]})
    assert page.status_code == 400
    assert "Выберите опубликованную редакцию из списка." in page.content.decode()
    published = default_template().versions.get(number=1)
    page = client.post(ADOPT, {"version": published.pk})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Отметьте хотя бы одну школу." in html
    assert f'value="{published.pk}" selected' in html  # the choice is kept
    assert AdoptionRecord.objects.count() == before


def test_department_user_gets_403_and_nothing_is_written(
    department_user: Any, operator: Any, school1: Any
) -> None:
    version = draft(operator)
    versions = default_template().versions.count()
    published = default_template().versions.get(number=1)
    client = signed_in(department_user)
    assert client.get(LIST).status_code == 403
    assert client.get(new_url(default_template())).status_code == 403
    assert client.post(new_url(default_template()), {"title": "x", "rules": ""}).status_code == 403
    url = f"/console/templates/versions/{version.pk}/publish/"
    assert client.post(url).status_code == 403
    assert client.post(ADOPT, {"version": published.pk, "schools": [school1.pk]}).status_code == 403
    version.refresh_from_db()
    assert version.status == "draft"
    assert RegulationVersion.objects.filter(template=default_template()).count() == versions
    assert not AdoptionRecord.objects.filter(by=department_user).exists()


def test_anonymous_goes_to_login_and_school_host_has_no_such_page(school1: Any) -> None:
    for url in (LIST, ADOPT, new_url(default_template())):
        page = Client(HTTP_HOST="localhost").get(url)
        assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    with schema_context("school1"):
        admin = User.objects.get(username="admin")
        client = Client(HTTP_HOST="school1.localhost")
        client.force_login(admin)
    assert client.get(LIST).status_code == 404
    assert client.get(ADOPT).status_code == 404


def test_templates_list_query_count_does_not_grow_with_versions(
    operator: Any, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(operator)
    client.get(LIST)  # warm the tenant cache

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for n in range(4):
        services.regulation_template_create(
            code=f"extra-{n}", title=f"Положение {n}", text="# Текст", by=operator
        )
        draft(operator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200
