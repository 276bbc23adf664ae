"""TPL-4: a school's users read the regulation their school adopted, on the school's host."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from catalog import services
from catalog.models import RegulationVersion
from tests.catalog.conftest import school_client

API = "/api/v1/regulation/"
PAGE = "/regulation/"


def test_school_user_reads_the_adopted_text_and_rules(
    school1: Any, default_version: RegulationVersion
) -> None:
    response = school_client("school1").get(API)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == default_version.number and body["template"] == "ezh-default"
    assert "безотметочное" in body["text"]
    assert body["rules"]["mark_scale"] == [2, 3, 4, 5]
    assert body["period_scheme"].startswith("Четверти")


def test_page_shows_the_text_and_the_schools_own_decisions(
    school1: Any,
    default_version: RegulationVersion,
    operator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from accounts.models import User

    with django_capture_on_commit_callbacks(execute=True):
        services.school_adopt(
            school=school1,
            regulation_version=default_version,
            overrides={"parent_printout_days": 14},
            by=operator,
        )
    client = APIClient(HTTP_HOST="school1.localhost")
    with schema_context("school1"):
        client.force_login(User.objects.get(username="admin"))
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Положение о ведении электронного журнала" in html
    assert "периодичность распечаток для родителей: 14" in html
    article = html.split('<article class="regulation">', 1)[1].split("</article>", 1)[0]
    assert "<script" not in article


def test_each_school_sees_its_own_version(
    school1: Any,
    school2: Any,
    default_version: RegulationVersion,
    operator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    v2 = services.regulation_version_create(
        template=default_version.template, by=operator, title="Редакция 2", text="# Вторая редакция"
    )
    v2 = services.regulation_version_publish(version=v2, by=operator)
    with django_capture_on_commit_callbacks(execute=True):
        services.school_adopt(school=school2, regulation_version=v2, by=operator)
    assert school_client("school1").get(API).json()["version"] == default_version.number
    assert school_client("school2").get(API).json()["text"] == "# Вторая редакция"


def test_anonymous_reads_the_page_but_not_the_api(school1: Any) -> None:
    """The regulation is public on the school's host (001 ЭД п.1, 003 §4.4: the page,
    journal.web's `web:regulation`); the API with the rules in force stays for its users."""
    client = APIClient(HTTP_HOST="school1.localhost")
    assert client.get(API).status_code == 403
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "<h1>Положение о ведении электронного журнала" in page.content.decode()


def test_markdown_is_escaped() -> None:
    from catalog.markdown import render_markdown

    html = render_markdown(
        "# Заголовок <script>\n\n- **пункт** один\n- два\n\nтекст & <b>жирный</b>"
    )
    assert "<h1>Заголовок &lt;script&gt;</h1>" in html
    assert "<li><strong>пункт</strong> один</li><li>два</li>" in html
    assert "&lt;b&gt;" in html
