"""The teacher's period, year, exam and final marks pages (issue #10, MRK-3, DIA-2).

Each test chooses its day with `clock.on`, from the world's period or year: period marks
open in the period's last two weeks and close after the deadline of the school's order
(a week after the period by the regulation), year/exam/final marks in the year's last two
weeks. A signed-in client is made inside the day it is used on (sessions expire).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import schema_context

from journal.attestation.models import AttestationEvent
from journal.register import services as reg
from journal.register.models import Lesson, PeriodMark
from journal.roster import services as roster
from journal.structure.models import ReportingPeriod
from tests import clock
from tests.web.conftest import signed_in
from tests.world import World, last_period_end

ALLOWED = "2, 3, 4, 5, н/а, зач, незач, осв"


def period_url(world: World, period: ReportingPeriod | None = None) -> str:
    period = period or world.period
    with schema_context("school1"):
        return reverse(
            "web:marks-period", kwargs={"assignment_id": world.math5a.pk, "period_id": period.pk}
        )


def year_url(world: World, name: str = "web:marks-year") -> str:
    with schema_context("school1"):
        return reverse(name, kwargs={"assignment_id": world.math5a.pk})


def client(world: World, persona: str) -> Any:
    return signed_in(world.users[persona])


def in_window(world: World) -> dt.date:
    """Three days before the period ends: its marks are open."""
    return world.period.ends_on - dt.timedelta(days=3)


def after_deadline(world: World) -> dt.date:
    """The regulation's deadline is a week after the period's end: the day after it."""
    return world.period.ends_on + dt.timedelta(days=8)


def lesson_marks(world: World) -> None:
    """pupils[0]: «4» for a test (×3) and «5» orally (×1) → 4,25, suggested 4; pupils[1]:
    «3». Entered on their lessons' days, inside the period, on any test day."""
    first = world.period.ends_on - dt.timedelta(days=5)
    second = first + dt.timedelta(days=1)
    teacher = world.users["teacher"]
    with schema_context("school1"):
        with clock.on(first, at=dt.time(15, 0)):
            reg.marks_save(
                lesson=Lesson.objects.create(assignment=world.math5a, date=first, slot=6),
                marks=[
                    reg.MarkInput(world.pupils[0].pk, 4, "test"),
                    reg.MarkInput(world.pupils[1].pk, 3, "oral"),
                ],
                by=teacher,
            )
        with clock.on(second, at=dt.time(15, 0)):
            reg.marks_save(
                lesson=Lesson.objects.create(assignment=world.math5a, date=second, slot=6),
                marks=[reg.MarkInput(world.pupils[0].pk, 5, "oral")],
                by=teacher,
            )


def given(kind: str = "period") -> dict[int, str]:
    with schema_context("school1"):
        return dict(PeriodMark.objects.filter(kind=kind).values_list("pupil_id", "value"))


def field(pupil: Any, kind: str = "period") -> str:
    return f"{kind}-{pupil.pk}"


# ---------------------------------------------------------------- the period's marks


def test_period_page_shows_marks_average_suggestion_and_deadline_mrk3(world: World) -> None:
    lesson_marks(world)
    with clock.on(in_window(world)):
        response = client(world, "teacher").get(period_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    due = world.period.ends_on + dt.timedelta(days=7)
    assert 'data-state="open"' in html and "Приём отметок открыт" in html
    assert f"Отметки принимаются до {due:%d.%m.%Y} включительно (по положению)." in html
    row = html.split(f'data-p="{world.pupils[0].pk}"')[1].split("</tr>")[0]
    assert "4,25" in row and '<td class="num" data-suggested>4</td>' in row
    assert f'name="{field(world.pupils[0])}"' in row and 'placeholder="4"' in row
    assert html.count('class="pm-in"') == len(world.pupils)
    assert " disabled" not in html.split("<tbody>")[1].split("</tbody>")[0]
    assert "web/period_marks.js" in html


def test_teacher_saves_period_marks_with_special_values_mrk3(world: World) -> None:
    p = world.pupils
    with clock.on(in_window(world)):
        teacher = client(world, "teacher")
        response = teacher.post(
            period_url(world),
            {field(p[0]): "5", field(p[1]): "Н", field(p[2]): "ЗАЧ", field(p[3]): "о"},
        )
        assert response.status_code == 302 and response["Location"] == period_url(world)
        assert given() == {p[0].pk: "5", p[1].pk: "н/а", p[2].pk: "зач", p[3].pk: "осв"}
        html = teacher.get(period_url(world)).content.decode()
    assert "Сохранено отметок: 4." in html
    row = html.split(f'data-p="{p[1].pk}"')[1].split("</tr>")[0]
    assert 'title="Выставлена">н/а</strong>' in row and "pm-in" not in row
    assert html.count('class="pm-in"') == 1  # only pupils[4] is left to mark


def test_wrong_values_are_refused_in_russian_and_nothing_is_written_mrk3(world: World) -> None:
    p = world.pupils
    with clock.on(in_window(world)):
        teacher = client(world, "teacher")
        bad = teacher.post(period_url(world), {field(p[0]): "5", field(p[1]): "7"})
        assert bad.status_code == 400
        html = bad.content.decode()
        assert f"«7»: допустимо {ALLOWED}." in html
        assert 'value="7"' in html and 'aria-invalid="true"' in html  # kept to mend
        empty = teacher.post(period_url(world), {field(p[0]): ""})
        assert empty.status_code == 400
        assert "Введите хотя бы одну отметку." in empty.content.decode()
        # A pupil of another class typed into the form is not one of its inputs.
        stray = teacher.post(period_url(world), {f"period-{world.other_pupil.pk}": "5"})
        assert stray.status_code == 400
        # A given mark has no input any more: typing it again is not one of the form's fields.
        with schema_context("school1"):
            reg.period_mark_create(
                pupil=p[2],
                assignment=world.math5a,
                kind="period",
                value="4",
                period=world.period,
                by=world.users["teacher"],
            )
        again = teacher.post(period_url(world), {field(p[2]): "5"})
        assert again.status_code == 400
        assert "Введите хотя бы одну отметку." in again.content.decode()
    assert given() == {p[2].pk: "4"}


def test_the_deadline_of_the_school_order_locks_the_page_mrk3(world: World) -> None:
    """The deputy's order sets the last day to the period's end; the day after, the inputs
    are disabled and a forged POST is refused with the reason; nothing is written."""
    ends = world.period.ends_on
    with schema_context("school1"), clock.on(in_window(world)):
        reg.mark_deadline_set(
            year=world.year,
            kind="period",
            period=world.period,
            due_on=ends,
            order_number="45-о",
            order_date=in_window(world) - dt.timedelta(days=10),
            by=world.users["deputy"],
        )
    order = f"приказ № 45-о от {in_window(world) - dt.timedelta(days=10):%d.%m.%Y}"
    with clock.on(ends):
        html = client(world, "teacher").get(period_url(world)).content.decode()
        assert f"Отметки принимаются до {ends:%d.%m.%Y} включительно ({order})." in html
    with clock.on(ends + dt.timedelta(days=1)):
        teacher = client(world, "teacher")
        html = teacher.get(period_url(world)).content.decode()
        assert 'data-state="locked"' in html and "Приём отметок закрыт" in html
        assert f"Срок выставления отметок истёк {ends:%d.%m.%Y} ({order})" in html
        assert html.count('class="pm-in"') == html.count('maxlength="8" disabled>') == 5
        assert "data-save-btn disabled" in html
        refused = teacher.post(period_url(world), {field(world.pupils[0]): "5"})
        assert refused.status_code == 400
        assert f"Срок выставления отметки истёк {ends:%d.%m.%Y} (приказ школы)." in (
            refused.content.decode()
        )
        nothing = teacher.post(period_url(world), {})
        assert "Срок выставления отметок истёк" in nothing.content.decode()
    assert given() == {}


def test_before_the_window_the_page_waits_and_refuses_mrk3(world: World) -> None:
    opens = world.period.ends_on - dt.timedelta(days=14)
    with clock.on(opens - dt.timedelta(days=1)):
        teacher = client(world, "teacher")
        html = teacher.get(period_url(world)).content.decode()
        assert "Приём отметок ещё не открыт" in html
        assert f"Приём отметок откроется {opens:%d.%m.%Y}" in html
        refused = teacher.post(period_url(world), {field(world.pupils[0]): "5"})
        assert refused.status_code == 400
        assert f"Рано: отметку можно выставить не ранее {opens:%d.%m.%Y}." in (
            refused.content.decode()
        )
    assert given() == {}


def test_who_meets_the_period_page_mrk3(world: World, school2_user: Any) -> None:
    """The journal's readers read it (the class teacher, the deputy: without inputs); a
    teacher of another journal, a pupil, a parent and another school's user get nothing;
    only the subject's teacher writes."""
    url = period_url(world)
    with clock.on(in_window(world)):
        for persona in ("class_teacher", "deputy"):
            page = client(world, persona).get(url)
            assert page.status_code == 200, persona
            assert "pm-in" not in page.content.decode() and "только для просмотра" in (
                page.content.decode()
            )
        assert client(world, "other_teacher").get(url).status_code == 404
        assert client(world, "pupil").get(url).status_code == 403
        assert client(world, "parent").get(url).status_code == 403
        assert school2_user("director").get(url).status_code == 404
        assert school2_user("teacher").post(url, {field(world.pupils[0]): "5"}).status_code == 404
        posts = {
            persona: client(world, persona).post(url, {field(world.pupils[0]): "5"}).status_code
            for persona in ("class_teacher", "other_teacher", "deputy", "pupil", "parent")
        }
        # Another period of the school (not this grade's) is not this journal's.
        with schema_context("school1"):
            other = ReportingPeriod.objects.exclude(grade_from__lte=5, grade_to__gte=5).first()
        if other is not None:
            assert client(world, "teacher").get(period_url(world, other)).status_code == 404
    assert posts == {
        "class_teacher": 403,
        "other_teacher": 404,
        "deputy": 404,
        "pupil": 403,
        "parent": 403,
    }
    assert given() == {}
    with schema_context("school2"):
        assert not PeriodMark.objects.exists()


def test_period_page_queries_do_not_grow_with_the_class_mrk3(
    world: World, django_assert_max_num_queries: Any
) -> None:
    lesson_marks(world)
    with clock.on(in_window(world)):
        teacher = client(world, "teacher")
        teacher.get(period_url(world))  # warm the per-school caches
        with CaptureQueriesContext(connection) as few:
            assert teacher.get(period_url(world)).status_code == 200
        with schema_context("school1"):
            for i in range(8):
                pupil = roster.pupil_create(
                    last_name=f"Добавленный{i}",
                    first_name="Яков",
                    class_group=world.class5a,
                    enrolled_on=world.period.starts_on,
                    order_number=f"91-у/{i}",
                    by=world.users["secretary"],
                )
                reg.period_mark_create(
                    pupil=pupil,
                    assignment=world.math5a,
                    kind="period",
                    value="4",
                    period=world.period,
                    by=world.users["teacher"],
                )
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = teacher.get(period_url(world))
    assert "Добавленный7" in page.content.decode()
    assert len(few.captured_queries) <= 25


# ---------------------------------------------------------------- the year sheet


def period_marks_of_the_year(world: World, values: dict[int, list[str]]) -> None:
    """Period marks of every period of the grade, as given in each period's window."""
    with schema_context("school1"):
        periods = list(
            ReportingPeriod.objects.filter(
                year=world.year, grade_from__lte=5, grade_to__gte=5
            ).order_by("starts_on")
        )
        for index, period in enumerate(periods):
            with clock.on(period.ends_on - dt.timedelta(days=3)):
                reg.period_marks_save(
                    assignment=world.math5a,
                    kind="period",
                    period=period,
                    marks=[
                        reg.PeriodMarkInput(pid, marks[index % len(marks)])
                        for pid, marks in values.items()
                    ],
                    by=world.users["teacher"],
                )


def near_year_end(world: World) -> dt.date:
    return last_period_end(world) - dt.timedelta(days=3)


def test_year_sheet_year_and_exam_marks_and_final_confirmation_mrk3(world: World) -> None:
    p = world.pupils
    period_marks_of_the_year(world, {p[0].pk: ["4", "5"], p[1].pk: ["4"]})
    with schema_context("school1"):
        AttestationEvent.objects.create(
            assignment=world.math5a,
            form=AttestationEvent.Form.EXAM,
            held_on=near_year_end(world) - dt.timedelta(days=30),
            created_by=world.users["deputy"],
        )
    with clock.on(near_year_end(world)):
        teacher = client(world, "teacher")
        html = teacher.get(year_url(world)).content.decode()
        assert '<th scope="col">Экзамен</th>' in html
        row = html.split(f'data-p="{p[1].pk}"')[1].split("</tr>")[0]
        assert '<td class="num" data-suggested>4</td>' in row
        wrong = teacher.post(year_url(world), {field(p[0], "year"): "4", field(p[0], "exam"): "6"})
        assert wrong.status_code == 400 and f"«6»: допустимо {ALLOWED}." in wrong.content.decode()
        assert given("year") == {}
        saved = teacher.post(
            year_url(world),
            {
                field(p[0], "year"): "4",
                field(p[0], "exam"): "5",
                field(p[1], "year"): "4",
                field(p[2], "year"): "н",
            },
        )
        assert saved.status_code == 302, saved.content.decode()
        assert given("year") == {p[0].pk: "4", p[1].pk: "4", p[2].pk: "н/а"}
        assert given("exam") == {p[0].pk: "5"}
        html = teacher.get(year_url(world)).content.decode()
        # The rule proposes (4 + 5) / 2 → 5 with the exam, the year mark without it.
        final = html.split(f'data-p="{p[0].pk}"')[1].split("</tr>")[0]
        assert 'aria-label="Ученик00 Иван: подтвердить итоговую 5"' in final
        confirm = year_url(world, "web:marks-final-confirm")
        missing = teacher.post(confirm, {"pupil_ids": [p[0].pk, p[3].pk]})
        assert missing.status_code == 400
        assert "Ученик03 Иван: Нет годовой отметки: итоговую вывести нельзя." in (
            missing.content.decode()
        )
        none = teacher.post(confirm, {})
        assert "Отметьте обучающихся, чьи итоговые отметки вы подтверждаете." in (
            none.content.decode()
        )
        assert given("final") == {}
        other = client(world, "class_teacher").post(confirm, {"pupil_ids": [p[0].pk]})
        assert other.status_code == 403
        done = teacher.post(confirm, {"pupil_ids": [p[0].pk, p[1].pk, p[2].pk]})
        assert done.status_code == 302
        assert "Итоговые отметки подтверждены: 3." in teacher.get(year_url(world)).content.decode()
    assert given("final") == {p[0].pk: "5", p[1].pk: "4", p[2].pk: "н/а"}


def test_year_sheet_without_an_exam_and_before_the_window_mrk3(world: World) -> None:
    opens = last_period_end(world) - dt.timedelta(days=14)  # late May, not August
    with clock.on(opens - dt.timedelta(days=1)):
        teacher = client(world, "teacher")
        html = teacher.get(year_url(world)).content.decode()
        assert "Экзамен</th>" not in html and 'name="exam-' not in html
        assert f"Приём отметок откроется {opens:%d.%m.%Y}" in html
        assert html.count('class="pm-in"') == html.count('maxlength="8" disabled>') == 5
        refused = teacher.post(year_url(world), {field(world.pupils[0], "year"): "5"})
        assert refused.status_code == 400
        assert f"Рано: отметку можно выставить не ранее {opens:%d.%m.%Y}." in (
            refused.content.decode()
        )
        # Exam inputs are not the page's while the subject has no exam.
        exam = teacher.post(year_url(world), {field(world.pupils[0], "exam"): "5"})
        assert exam.status_code == 400
    assert given("year") == {} and given("exam") == {}


def test_who_meets_the_year_page_mrk3(world: World, school2_user: Any) -> None:
    with clock.on(near_year_end(world)):
        assert client(world, "class_teacher").get(year_url(world)).status_code == 200
        assert client(world, "other_teacher").get(year_url(world)).status_code == 404
        assert client(world, "pupil").get(year_url(world)).status_code == 403
        assert client(world, "parent").get(year_url(world)).status_code == 403
        assert school2_user("director").get(year_url(world)).status_code == 404
        body = {field(world.pupils[0], "year"): "5"}
        assert client(world, "class_teacher").post(year_url(world), body).status_code == 403
        assert client(world, "other_teacher").post(year_url(world), body).status_code == 404
        assert school2_user("teacher").post(year_url(world), body).status_code == 404
    assert given("year") == {}


def test_year_page_queries_do_not_grow_with_the_class_mrk3(
    world: World, django_assert_max_num_queries: Any
) -> None:
    period_marks_of_the_year(world, {world.pupils[0].pk: ["5"]})
    with clock.on(near_year_end(world)):
        teacher = client(world, "teacher")
        teacher.get(year_url(world))
        with CaptureQueriesContext(connection) as few:
            assert teacher.get(year_url(world)).status_code == 200
        with schema_context("school1"):
            for i in range(8):
                roster.pupil_create(
                    last_name=f"Годовой{i}",
                    first_name="Яков",
                    class_group=world.class5a,
                    enrolled_on=world.year.starts_on,
                    order_number=f"92-у/{i}",
                    by=world.users["secretary"],
                )
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = teacher.get(year_url(world))
    assert "Годовой7" in page.content.decode()


# ---------------------------------------------------------------- links and the diary


def test_journals_and_grid_link_to_the_marks_pages(world: World) -> None:
    teacher = client(world, "teacher")
    journals = teacher.get("/journals/").content.decode()
    assert f'href="{year_url(world)}"' in journals
    grid = teacher.get(f"/journals/{world.math5a.pk}/?period={world.period.pk}").content.decode()
    assert f'href="{period_url(world)}"' in grid and f'href="{year_url(world)}"' in grid


def test_parent_sees_period_year_and_final_marks_in_the_diary_dia2(world: World) -> None:
    p = world.pupils
    with clock.on(in_window(world)):
        client(world, "teacher").post(period_url(world), {field(p[0]): "5", field(p[1]): "3"})
        diary = client(world, "parent").get("/diary/").content.decode()
    section = diary.split('id="year-h"')[1]
    row = section.split("Математика")[1].split("</tr>")[0]
    assert ">5<" in row and ">3<" not in row  # the parent's child only
    with schema_context("school1"):
        PeriodMark.objects.create(
            pupil=p[0],
            assignment=world.math5a,
            kind="year",
            value="5",
            entered_by=world.users["teacher"],
        )
        PeriodMark.objects.create(
            pupil=p[0],
            assignment=world.math5a,
            kind="final",
            value="5",
            entered_by=world.users["teacher"],
        )
    with clock.on(in_window(world)):
        diary = client(world, "parent").get("/diary/").content.decode()
    row = diary.split('id="year-h"')[1].split("Математика")[1].split("</tr>")[0]
    assert row.count(">5<") == 3  # the period, the year and the final mark
