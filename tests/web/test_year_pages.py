"""YEAR-1 (003 §5.2.3) through the pages: the director's guided closing of the year — the
check, the outcome preview, the confirmation with the order — and the closed year refusing
writes made through the pages and the API (409, Russian message, nothing written)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context

from journal.register.models import Lesson, Mark, PeriodMark
from journal.roster import services as roster
from journal.roster.models import ClassMembership, Pupil
from journal.structure import services as structure
from journal.structure.models import AcademicYear, ClassGroup, ReportingPeriod
from journal.yearend.models import PromotionDecision, YearClosing
from tests import clock
from tests.world import World, staff

PAGE = "/manage/year-close/"


@dataclass
class Year:
    world: World
    graduate: Pupil
    graduate_debt: Pupil
    closes_from: dt.date  # the last period's last day

    @property
    def url(self) -> str:
        return f"{PAGE}?year={self.world.year.pk}"


def _year_mark(world: World, pupil: Pupil, assignment: Any, value: str) -> None:
    PeriodMark.objects.create(
        pupil=pupil,
        assignment=assignment,
        kind="year",
        value=value,
        entered_by=world.users["teacher"],
    )


@pytest.fixture
def year(world: World) -> Year:
    """The world with 11А and year marks: 5А «5», «4», «2» (debt), «н/а» (debt), none (held
    back); 5Б «4»; 11А «5» (graduates) and «2» (held back: a debt bars graduation)."""
    w = world
    boss = w.users["director"]
    with schema_context("school1"):
        class11a = structure.class_group_create(year=w.year, grade=11, letter="А", by=boss)
        math11a = structure.teaching_assignment_create(
            teacher=staff(w.users["teacher"]),
            subject=w.math,
            class_group=class11a,
            weekly_hours=Decimal(4),
            by=boss,
        )
        graduate, graduate_debt = (
            roster.pupil_create(
                last_name=name,
                first_name="Антон",
                class_group=class11a,
                enrolled_on=w.today - dt.timedelta(days=90),
                order_number=f"15-у/{name}",
                by=w.users["secretary"],
            )
            for name in ("Выпускников", "Должников")
        )
        for p, value in zip(w.pupils[:4], ("5", "4", "2", "н/а"), strict=True):
            _year_mark(w, p, w.math5a, value)
        _year_mark(w, w.other_pupil, w.russian5b, "4")
        _year_mark(w, graduate, math11a, "5")
        _year_mark(w, graduate_debt, math11a, "2")
        closes_from = max(
            ReportingPeriod.objects.filter(year=w.year).values_list("ends_on", flat=True)
        )
    return Year(w, graduate, graduate_debt, closes_from)


def close_form(y: Year, **changes: Any) -> dict[str, Any]:
    starts = dt.date(y.world.year.starts_on.year + 1, 9, 1)
    form = {
        "next_title": f"{starts.year}/{starts.year + 1}",
        "next_starts_on": starts.isoformat(),
        "next_ends_on": dt.date(starts.year + 1, 8, 31).isoformat(),
        "order_number": "77-о",
        "order_date": y.closes_from.isoformat(),
        "confirm": "on",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def counts() -> tuple[int, ...]:
    with schema_context("school1"):
        return (
            YearClosing.objects.count(),
            PromotionDecision.objects.count(),
            AcademicYear.objects.count(),
            ClassGroup.objects.count(),
            ClassMembership.objects.count(),
        )


def test_director_sees_the_check_and_the_outcome_preview_year1(
    year: Year, page_client: Any
) -> None:
    w = year.world
    with clock.on(year.closes_from):
        response = page_client("director").get(year.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Шаг 1. Проверка годовых отметок" in html and "Шаг 3. Подтверждение" in html
    assert "не у всех есть годовые отметки" in html
    incomplete = html.split('data-list="incomplete"', 1)[1].split("</ul>", 1)[0]
    assert w.pupils[4].user.last_name in incomplete and "Математика" in incomplete
    assert w.pupils[0].user.last_name not in incomplete
    # 5А ×2, 5Б, 1А ×2 promoted; 5А «2» and «н/а» conditional; 5А without a mark and 11А
    # with a «2» held back; 11А «5» graduates.
    for outcome, n in (("promoted", 5), ("conditional", 2), ("held_back", 2), ("graduated", 1)):
        assert f'data-count="{outcome}">{n}<' in html, outcome
    conditional = html.split('data-list="conditional"', 1)[1].split("</ul>", 1)[0]
    assert "Математика «н/а»" in conditional and "Математика «2»" in conditional
    assert 'name="order_number"' in html
    # Nothing was written by looking.
    assert counts()[:2] == (0, 0)


def test_preview_with_ninth_grade_graduation_and_the_blocker_before_the_end_year1(
    year: Year, page_client: Any
) -> None:
    with clock.on(year.closes_from - dt.timedelta(days=1)):
        html = page_client("deputy").get(f"{year.url}&graduate_ninth=1").content.decode()
    assert "Учебный год ещё не окончен: закрыть его можно с " in html
    assert f"{year.closes_from:%d.%m.%Y}" in html
    assert 'name="graduate_ninth" value="1" checked' in html


def test_closing_before_the_last_period_ends_is_refused_in_russian_year1(
    year: Year, page_client: Any
) -> None:
    before = counts()
    with clock.on(year.closes_from - dt.timedelta(days=1)):
        response = page_client("director").post(year.url, close_form(year))
    assert response.status_code == 400
    assert f"Учебный год {year.world.year.title} ещё не окончен" in response.content.decode()
    assert counts() == before


def test_the_form_says_what_is_missing_in_russian_and_writes_nothing_year1(
    year: Year, page_client: Any
) -> None:
    before = counts()
    with clock.on(year.closes_from):
        response = page_client("director").post(
            year.url,
            close_form(year, order_number="", confirm=None, next_ends_on="2020-01-01"),
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Укажите: номер приказа директора." in html
    assert "Подтвердите закрытие учебного года." in html
    assert "Окончание года раньше его начала." in html
    with clock.on(year.closes_from):
        bad = page_client("director").post(year.url, close_form(year, next_title="2027"))
    assert "Учебный год в виде ГГГГ/ГГГГ" in bad.content.decode()
    assert counts() == before


def test_director_closes_the_year_and_then_sees_it_read_only_year1(
    year: Year, page_client: Any
) -> None:
    w = year.world
    with clock.on(year.closes_from):  # sign in on that day: a session does not last months
        client = page_client("director")
        response = client.post(year.url, close_form(year))
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == year.url
        page = client.get(year.url)
        before = counts()
        again = client.post(year.url, close_form(year))
    html = page.content.decode()
    assert f"Учебный год {w.year.title} закрыт" in html
    assert "Приказ № 77-о" in html
    assert 'data-count="graduated">1<' in html and 'data-count="held_back">2<' in html
    graduated = html.split('data-list="graduated"', 1)[1].split("</ul>", 1)[0]
    assert year.graduate.user.last_name in graduated
    assert 'name="order_number"' not in html  # no form on a closed year
    with schema_context("school1"):
        closing = YearClosing.objects.get(year=w.year)
        assert closing.order_number == "77-о"
        assert closing.next_year is not None
        assert closing.next_year.title == close_form(year)["next_title"]
        outcomes = dict(PromotionDecision.objects.values_list("pupil_id", "outcome"))
    assert outcomes[year.graduate.pk] == "graduated"
    assert outcomes[year.graduate_debt.pk] == "held_back"
    assert outcomes[w.pupils[2].pk] == "conditional"
    assert again.status_code == 409
    assert "закрыт (приказ № 77-о): его записи доступны только для чтения" in (
        again.content.decode()
    )
    assert counts() == before


def test_the_closed_year_refuses_writes_through_the_pages_and_the_api_year1(
    year: Year, page_client: Any
) -> None:
    w = year.world
    with clock.on(year.closes_from):
        assert page_client("director").post(year.url, close_form(year)).status_code == 302
    # The teacher writes on the run's day, whatever it is: the year is closed for good.
    with schema_context("school1"):
        marks_before = Mark.objects.count()
        period_marks_before = PeriodMark.objects.count()
    teacher = page_client("teacher")
    # The grid's keyboard entry of a lesson of the closed year.
    saved = teacher.post(
        f"/lessons/{w.lesson_today.pk}/save/",
        json.dumps({"work_kind": "oral", "marks": [{"pupil_id": w.pupils[0].pk, "value": 5}]}),
        content_type="application/json",
    )
    assert saved.status_code == 409
    assert "закрыт (приказ № 77-о)" in saved.json()["detail"]
    # The lesson page's topic and homework.
    topic = teacher.post(
        f"/lessons/{w.lesson_today.pk}/", {"topic": "Новая тема", "kind": "regular", "homework": ""}
    )
    assert topic.status_code == 400
    assert "его записи доступны только для чтения" in topic.content.decode()
    # The same through the API: the lesson's marks and the year marks of the sheet.
    api = w.client("teacher")
    lesson_marks = api.post(
        f"/api/v1/register/lessons/{w.lesson_today.pk}/marks/",
        {"marks": [{"pupil_id": w.pupils[0].pk, "value": 5, "work_kind": "oral"}]},
        format="json",
    )
    sheet = api.post(
        "/api/v1/register/period-sheet/save/",
        {
            "assignment_id": w.math5a.pk,
            "kind": "year",
            "marks": [{"pupil_id": w.pupils[4].pk, "value": "4"}],
        },
        format="json",
    )
    for response in (lesson_marks, sheet):
        assert response.status_code == 409, response.content[:300]
        assert "закрыт (приказ № 77-о)" in response.json()["detail"]
    with schema_context("school1"):
        assert Mark.objects.count() == marks_before
        assert PeriodMark.objects.count() == period_marks_before
        w.lesson_today.refresh_from_db()
        assert w.lesson_today.topic != "Новая тема"


@pytest.mark.parametrize("persona", ["teacher", "class_teacher", "journal_admin", "secretary"])
def test_lesser_roles_get_nothing_year1(year: Year, page_client: Any, persona: str) -> None:
    before = counts()
    assert page_client(persona).get(year.url).status_code == 403
    with clock.on(year.closes_from):
        assert page_client(persona).post(year.url, close_form(year)).status_code == 403
    assert counts() == before


def test_another_schools_director_gets_404_for_this_schools_year_ten1(
    year: Year, school2_user: Any
) -> None:
    before = counts()
    with clock.on(year.closes_from):
        client = school2_user("director")
        assert client.get(year.url).status_code == 404
        assert client.post(year.url, close_form(year)).status_code == 404
    assert counts() == before


def test_a_closed_years_grid_and_lesson_page_offer_no_entry_year1(
    year: Year, page_client: Any
) -> None:
    """After closing, the teacher's grid and lesson page of that year show the records
    read-only: no open column, no input, no form (writes are refused anyway)."""
    w = year.world
    with schema_context("school1"):  # a lesson inside the period, whatever the run's day
        held = Lesson.objects.create(
            assignment=w.math5a, date=w.period.ends_on - dt.timedelta(days=3), slot=4
        )
    grid_url = f"/journals/{w.math5a.pk}/?period={w.period.pk}"
    lesson_url = f"/lessons/{held.pk}/"
    with clock.on(held.date):
        assert 'class="g-in"' in page_client("teacher").get(lesson_url).content.decode()
    with clock.on(year.closes_from):  # sessions last hours: sign in on the day
        assert page_client("director").post(year.url, close_form(year)).status_code == 302
        teacher = page_client("teacher")
        grid_page, lesson_page = teacher.get(grid_url), teacher.get(lesson_url)
    assert grid_page.status_code == lesson_page.status_code == 200
    grid, lesson = grid_page.content.decode(), lesson_page.content.decode()
    assert w.pupils[0].user.last_name in grid and w.pupils[0].user.last_name in lesson
    assert "g-open" not in grid and 'class="g-in"' not in grid
    assert 'class="g-in"' not in lesson and "Сохранить урок" not in lesson
    assert "Учебный год закрыт" in lesson
