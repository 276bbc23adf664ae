"""The class teacher's duties through the pages (002 п.5 Кл.рук. б), г), д); 002 Регламент
п.3; REP-6, DIA-5): the progress and attendance summary (preliminary / final by the date),
the monthly check of pupils' and parents' data, parents' acknowledgement of period marks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.russian import accusative
from journal.homeroom.models import DataCheck, MarksAcknowledgement
from journal.register.models import Attendance, Lesson, Mark, PeriodMark, WorkKind
from journal.roster import services as roster
from tests import clock
from tests.world import World

SUMMARY = "/class/summary/"
CHECKS = "/class/data-checks/"
ACKS = "/class/acknowledgements/"
ACKNOWLEDGE = "/diary/acknowledge/"


def _lesson(world: World, day: dt.date, slot: int = 3) -> Lesson:
    return Lesson.objects.create(assignment=world.math5a, date=day, slot=slot)


def _mark(world: World, lesson: Lesson, pupil: Any, value: int) -> None:
    Mark.objects.create(
        lesson=lesson,
        pupil=pupil,
        value=value,
        work_kind=WorkKind.objects.get(code="oral"),
        weight=1,
        entered_by=world.users["teacher"],
    )


def _absent(world: World, lesson: Lesson, pupil: Any, code: str) -> None:
    Attendance.objects.create(
        lesson=lesson, pupil=pupil, code=code, marked_by=world.users["teacher"]
    )


@pytest.fixture
def marks(world: World) -> World:
    """In the world's period: pupil 0 has «5» and «4» and was ill once; pupil 1 has a «2»
    and missed a lesson without a reason; pupil 2 was late."""
    p = world.period
    with schema_context("school1"):
        first = _lesson(world, p.starts_on + dt.timedelta(days=2))
        second = _lesson(world, p.starts_on + dt.timedelta(days=9))
        _mark(world, first, world.pupils[0], 5)
        _mark(world, second, world.pupils[0], 4)
        _mark(world, first, world.pupils[1], 2)
        _absent(world, second, world.pupils[0], Attendance.Code.ILL)
        _absent(world, second, world.pupils[1], Attendance.Code.UNEXCUSED)
        _absent(world, first, world.pupils[2], Attendance.Code.LATE)
    return world


def _url(base: str, world: World, **params: int) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"class": world.class5a.pk, **params}.items())
    return f"{base}?{query}"


def _row(html: str, pupil: Any) -> str:
    return html.split(f'data-pupil="{pupil.pk}"', 1)[1].split("</tr>", 1)[0]


# ---------------------------------------------------------------- the summary (REP-6)


def test_summary_shows_averages_low_marks_and_absences_rep6(marks: World, page_client: Any) -> None:
    w = marks
    with clock.on(w.period.ends_on):
        response = page_client("class_teacher").get(_url(SUMMARY, w, period=w.period.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-stage="final"' in html and "Итоговая сводка" in html
    first, second, third = (_row(html, p) for p in w.pupils[:3])
    assert "4,50" in first and "data-low>0<" in first
    assert "data-with-reason>1<" in first and "data-without-reason>0<" in first
    assert "2,00" in second and "data-low>1<" in second and "data-without-reason>1<" in second
    assert "data-with-reason>0<" in third and "data-without-reason>0<" in third


@pytest.mark.parametrize(
    ("days_before_end", "stage", "title"),
    [
        (20, "interim", "Текущая сводка"),
        (14, "preliminary", "Предварительная сводка"),
        (3, "preliminary", "Предварительная сводка"),
        (0, "final", "Итоговая сводка"),
    ],
)
def test_summary_says_preliminary_or_final_by_the_date_rep6(
    marks: World, page_client: Any, days_before_end: int, stage: str, title: str
) -> None:
    w = marks
    with clock.on(w.period.ends_on - dt.timedelta(days=days_before_end)):
        html = page_client("class_teacher").get(_url(SUMMARY, w, period=w.period.pk))
    text = html.content.decode()
    assert f'data-stage="{stage}"' in text and f"<strong>{title}</strong>" in text


def test_summary_counts_only_marks_up_to_the_day_rep6(marks: World, page_client: Any) -> None:
    w = marks
    with clock.on(w.period.starts_on + dt.timedelta(days=3)):  # the second lesson is ahead
        html = page_client("class_teacher").get(_url(SUMMARY, w, period=w.period.pk))
    assert "5,00" in _row(html.content.decode(), w.pupils[0])


def test_summary_query_count_does_not_grow_with_the_class_rep6(
    marks: World, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    w = marks
    url = _url(SUMMARY, w, period=w.period.pk)
    with clock.on(w.period.ends_on):
        client = page_client("class_teacher")
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        with schema_context("school1"):
            lesson = _lesson(w, w.period.starts_on + dt.timedelta(days=4), slot=4)
            for i in range(8):
                pupil = roster.pupil_create(
                    last_name=f"Новый{i:02d}",
                    first_name="Олег",
                    class_group=w.class5a,
                    enrolled_on=w.period.starts_on,
                    order_number=f"30-у/{i}",
                    by=w.users["secretary"],
                )
                _mark(w, lesson, pupil, 3)
                _absent(w, lesson, pupil, Attendance.Code.EXCUSED)
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = client.get(url)
    assert "Новый07" in page.content.decode()


def test_the_heads_read_the_summary_others_get_nothing_rep6(
    marks: World, page_client: Any, school2_user: Any
) -> None:
    w = marks
    url = _url(SUMMARY, w, period=w.period.pk)
    assert page_client("deputy").get(url).status_code == 200
    assert page_client("director").get(url).status_code == 200
    # A teacher who leads no class: the page says so, with no pupil on it.
    plain = page_client("teacher").get(url)
    assert plain.status_code == 404
    empty = page_client("teacher").get(SUMMARY).content.decode()
    assert "Вы не назначены классным руководителем" in empty
    assert w.pupils[0].user.last_name not in empty
    # Another class, another period, another school: 404.
    assert (
        page_client("class_teacher")
        .get(_url(SUMMARY, w).replace(str(w.class5a.pk), str(w.class5b.pk)))
        .status_code
        == 404
    )
    with schema_context("school1"):
        grade1 = [p for p in w.year.periods.all() if p.grade_from == 1 and p.grade_to < 5]
    if grade1:
        wrong = _url(SUMMARY, w, period=grade1[0].pk)
        assert page_client("class_teacher").get(wrong).status_code == 404
    assert school2_user("teacher").get(url).status_code == 404
    for learner in ("pupil", "parent"):
        assert page_client(learner).get(url).status_code == 403


# ------------------------------------------------------- the monthly data check


def _november(world: World) -> dt.date:
    return dt.date(world.year.starts_on.year, 11, 20)


def test_class_teacher_records_a_months_check_and_sees_the_overdue_ones(
    world: World, page_client: Any
) -> None:
    y = world.year.starts_on.year
    with clock.on(_november(world)):
        client = page_client("class_teacher")
        html = client.get(_url(CHECKS, world)).content.decode()
        assert f'data-month="{y}-09" data-status="overdue"' in html
        assert f'data-month="{y}-10" data-status="overdue"' in html
        assert f'data-month="{y}-11" data-status="due"' in html
        assert f"Просрочена сверка за: октябрь {y}, сентябрь {y}." in html
        saved = client.post(
            _url(CHECKS, world),
            {"month": f"{y}-10-01", "checked_on": f"{y}-11-05", "note": "исправлен телефон мамы"},
        )
        assert saved.status_code == 302
        html = client.get(_url(CHECKS, world)).content.decode()
    october = html.split(f'data-month="{y}-10"', 1)[1].split("</tr>", 1)[0]
    assert 'data-status="checked"' in october and "проверено с опозданием" in october
    assert f"05.11.{y}" in october and "исправлен телефон мамы" in october
    assert f"Просрочена сверка за: сентябрь {y}." in html
    with schema_context("school1"):
        check = DataCheck.objects.get()
        assert (check.month, check.checked_by_id) == (
            dt.date(y, 10, 1),
            world.users["class_teacher"].pk,
        )


def test_data_check_errors_are_russian_and_nothing_is_written(
    world: World, page_client: Any
) -> None:
    y = world.year.starts_on.year
    with clock.on(_november(world)):
        client = page_client("class_teacher")
        future = client.post(
            _url(CHECKS, world), {"month": f"{y}-11-01", "checked_on": f"{y}-11-25"}
        )
        assert future.status_code == 400
        assert "Дата проверки ещё не наступила." in future.content.decode()
        early = client.post(
            _url(CHECKS, world), {"month": f"{y}-11-01", "checked_on": f"{y}-10-25"}
        )
        assert "Дата проверки раньше начала месяца." in early.content.decode()
        empty = client.post(_url(CHECKS, world), {"month": "", "checked_on": ""})
        text = empty.content.decode()
        assert "Выберите месяц сверки." in text and "Укажите: дата проверки." in text
        assert (
            client.post(
                _url(CHECKS, world), {"month": f"{y}-10-01", "checked_on": f"{y}-11-02"}
            ).status_code
            == 302
        )
        twice = client.post(
            _url(CHECKS, world), {"month": f"{y}-10-01", "checked_on": f"{y}-11-03"}
        )
        assert twice.status_code == 400
        assert "Выберите месяц сверки из списка." in twice.content.decode()
    with schema_context("school1"):
        assert DataCheck.objects.count() == 1


def test_only_the_class_teacher_records_the_check(
    world: World, page_client: Any, school2_user: Any
) -> None:
    y = world.year.starts_on.year
    form = {"month": f"{y}-10-01", "checked_on": f"{y}-11-02"}
    with clock.on(_november(world)):
        deputy = page_client("deputy")
        page = deputy.get(_url(CHECKS, world)).content.decode()
        assert "Только просмотр" in page and 'name="checked_on"' not in page
        assert deputy.post(_url(CHECKS, world), form).status_code == 403
        assert page_client("teacher").post(_url(CHECKS, world), form).status_code == 404
        other = _url(CHECKS, world).replace(str(world.class5a.pk), str(world.class5b.pk))
        assert page_client("class_teacher").post(other, form).status_code == 404
        assert school2_user("teacher").post(_url(CHECKS, world), form).status_code == 404
        assert page_client("parent").post(_url(CHECKS, world), form).status_code == 403
    with schema_context("school1"):
        assert not DataCheck.objects.exists()


# ------------------------------------------- parents' acknowledgement (DIA-5)


def _period_mark(world: World, pupil: Any, value: str = "4") -> None:
    PeriodMark.objects.create(
        pupil=pupil,
        assignment=world.math5a,
        period=world.period,
        kind="period",
        value=value,
        entered_by=world.users["teacher"],
    )


def test_parent_acknowledges_period_marks_once_and_the_class_teacher_sees_it_dia5(
    world: World, page_client: Any
) -> None:
    w = world
    with schema_context("school1"):
        _period_mark(w, w.pupils[0])
        _period_mark(w, w.pupils[1], "5")
    parent = page_client("parent")
    diary = parent.get(f"/diary/?child={w.pupils[0].pk}&period={w.period.pk}").content.decode()
    assert "Ознакомлен(а)</button>" in diary
    form = {"child": w.pupils[0].pk, "period": w.period.pk}
    first = parent.post(ACKNOWLEDGE, form, follow=True)
    assert f"Вы ознакомились с отметками за {accusative(w.period.title)}." in first.content.decode()
    again = parent.post(ACKNOWLEDGE, form, follow=True)
    assert "уже отмечено" in again.content.decode()
    with schema_context("school1"):
        ack = MarksAcknowledgement.objects.get()
        assert (ack.pupil_id, ack.period_id) == (w.pupils[0].pk, w.period.pk)
    diary = parent.get(f"/diary/?child={w.pupils[0].pk}&period={w.period.pk}").content.decode()
    assert "Ознакомлен(а)</span> с отметками" in diary and "Ознакомлен(а)</button>" not in diary
    html = page_client("class_teacher").get(_url(ACKS, w, period=w.period.pk)).content.decode()
    assert "data-acknowledged>1<" in html
    mine = _row(html, w.pupils[0])
    assert 'data-acknowledged="yes"' in mine and "Родителева" in mine and "ознакомлен(а) " in mine
    others = _row(html, w.pupils[1])
    assert 'data-acknowledged="no"' in others and "родители не указаны" in others
    assert "ещё нет" in _row(html, w.pupils[2])


def test_acknowledgement_is_the_parents_own_and_needs_marks_dia5(
    world: World, page_client: Any
) -> None:
    w = world
    form = {"child": w.pupils[0].pk, "period": w.period.pk}
    none_yet = page_client("parent").post(ACKNOWLEDGE, form, follow=True)
    assert f"Отметок за {accusative(w.period.title)} ещё нет." in none_yet.content.decode()
    with schema_context("school1"):
        _period_mark(w, w.pupils[0])
        _period_mark(w, w.other_pupil)
    assert page_client("other_parent").post(ACKNOWLEDGE, form).status_code == 404
    assert page_client("pupil").post(ACKNOWLEDGE, form).status_code == 404
    assert page_client("class_teacher").post(ACKNOWLEDGE, form).status_code == 404
    assert page_client("parent").post(ACKNOWLEDGE, {"child": w.pupils[0].pk}).status_code == 404
    foreign = {"child": w.other_pupil.pk, "period": w.period.pk}
    assert page_client("parent").post(ACKNOWLEDGE, foreign).status_code == 404
    # A pupil reads the diary without the button: acknowledging is the parents'.
    pupil_diary = page_client("pupil").get(f"/diary/?period={w.period.pk}").content.decode()
    assert "Ознакомлен(а)</button>" not in pupil_diary
    with schema_context("school1"):
        assert not MarksAcknowledgement.objects.exists()
        consent = w.pupils[0].consents.get()
        roster.consent_revoke(
            consent=consent, revoked_on=w.today, reason="заявление", by=w.users["secretary"]
        )
    # Consent withdrawn: the child is no longer the parent's to see, the session ends (the
    # parent is sent to sign in again), and nothing is recorded.
    refused = page_client("parent").post(ACKNOWLEDGE, form)
    assert refused.status_code == 302
    assert refused["Location"].startswith("/accounts/login/"), refused["Location"]
    with schema_context("school1"):
        assert not MarksAcknowledgement.objects.exists()


def test_acknowledgement_list_query_count_does_not_grow_dia5(
    world: World, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    w = world
    url = _url(ACKS, w, period=w.period.pk)
    client = page_client("class_teacher")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    with schema_context("school1"):
        boss = w.users["director"]
        for i in range(6):
            pupil = roster.pupil_create(
                last_name=f"Новый{i:02d}",
                first_name="Олег",
                class_group=w.class5a,
                enrolled_on=w.period.starts_on,
                order_number=f"31-у/{i}",
                by=w.users["secretary"],
            )
            parent = roster.guardian_create(last_name=f"Мама{i:02d}", first_name="Ира", by=boss)
            roster.guardian_link_create(guardian=parent, pupil=pupil, relation="mother", by=boss)
            _period_mark(w, pupil)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert "Мама05" in page.content.decode()


def test_acknowledgements_page_for_other_users(
    world: World, page_client: Any, school2_user: Any
) -> None:
    url = _url(ACKS, world, period=world.period.pk)
    assert page_client("deputy").get(url).status_code == 200
    assert page_client("teacher").get(url).status_code == 404
    assert page_client("parent").get(url).status_code == 403
    assert school2_user("teacher").get(url).status_code == 404
