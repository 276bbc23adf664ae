"""Headings read as Russian: «Отметки за 2-ю четверть», not «за 2-я четверть» (issue #15)."""

from __future__ import annotations

from typing import Any

import pytest

from core.russian import accusative


@pytest.mark.parametrize(
    ("title", "after_za"),
    [
        ("1-я четверть", "1-ю четверть"),
        ("4-я четверть", "4-ю четверть"),
        ("2-е полугодие", "2-е полугодие"),
        ("3-й триместр", "3-й триместр"),
        ("Учебный год", "Учебный год"),
    ],
)
def test_period_titles_after_za(title: str, after_za: str) -> None:
    assert accusative(title) == after_za


@pytest.mark.usefixtures("school_day")
def test_the_diary_says_za_2_yu_chetvert(world: Any) -> None:
    from tests.web.conftest import signed_in

    html = signed_in(world.users["parent"]).get("/diary/").content.decode()
    assert f"Отметки за {accusative(world.period.title)}" in html
    assert "Отметки за 2-ю четверть" in html  # the school day is in the 2nd quarter
