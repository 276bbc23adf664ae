"""The regulation page, public on the school's host (001 ЭД п.1, 003 §4.4; TPL-4, TPL-6,
DIA-5): the adopted edition's text, the director's order that put it in force, the user
guides beside it; open to an anonymous visitor, and naming nobody."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django_tenants.utils import schema_context

from catalog.selectors import adopted_regulation, rules_cache_invalidate
from journal.structure import services as structure
from tests.world import World

PAGE = "/regulation/"


def anonymous(schema: str = "school1") -> Client:
    return Client(HTTP_HOST=f"{schema}.localhost")


def test_anonymous_visitor_reads_the_adopted_regulation_tpl4(world: World) -> None:
    response = anonymous().get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    with schema_context("school1"):
        adoption = adopted_regulation()
    assert adoption is not None
    assert f'data-edition="{adoption.regulation_version.number}"' in html
    assert "<h1>Положение о ведении электронного журнала" in html
    assert "Приказ о введении этой редакции в действие ещё не внесён" in html
    assert 'href="/regulation/guides/parent/"' in html and "Инструкции пользователей" in html
    names = [p.user.last_name for p in world.pupils] + ["Родителева", "Математикова"]
    assert not [n for n in names if n in html]
    assert anonymous().post(PAGE).status_code == 405


def test_the_page_names_the_directors_order_that_put_it_in_force_tpl6(world: World) -> None:
    signed = world.today - dt.timedelta(days=3)
    with schema_context("school1"):
        adoption = adopted_regulation()
        assert adoption is not None
        structure.regulation_order_record(
            regulation_version_id=adoption.regulation_version_id,
            number="45-о",
            signed_on=signed,
            by=world.users["director"],
        )
        rules_cache_invalidate(schema_names=["school1"])
    html = anonymous().get(PAGE).content.decode()
    assert f"Введено в действие приказом директора № 45-о от {signed:%d.%m.%Y}" in html
    assert "ещё не внесён" not in html
    # The director's name, who recorded it, is not on the public page.
    assert world.users["director"].last_name not in html.split("<main", 1)[1]


def test_user_guides_are_public_with_their_screenshots_tpl4(school1: Any) -> None:
    response = anonymous().get("/regulation/guides/class-teacher/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Классному руководителю</h1>" in html
    assert '<img src="/static/guides/class-teacher-temporary-login.png"' in html
    assert 'alt="Временный логин выдан"' in html
    assert "![" not in html
    for slug in ("teacher", "deputy", "admin", "parent", "sso"):
        assert anonymous().get(f"/regulation/guides/{slug}/").status_code == 200, slug
    assert anonymous().get("/regulation/guides/nothing/").status_code == 404
    assert anonymous().get("/regulation/guides/..%2F..%2FREADME/").status_code == 404


def test_each_school_shows_its_own_regulation_ten1(school1: Any, school2: Any) -> None:
    with schema_context("school2"):
        adoption = adopted_regulation()
    assert adoption is not None
    html = anonymous("school2").get(PAGE).content.decode()
    assert f'data-edition="{adoption.regulation_version.number}"' in html
