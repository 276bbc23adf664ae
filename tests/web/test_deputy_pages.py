"""The deputy's pages of issue #10: the school order's deadlines for period marks (MRK-3),
the remarks workflow (CTL-1), substitutions and their journal (ROLE-3, ROLE-5), and the
control works schedule (YEAR-2). Each page renders, saves, refuses in Russian, writes
nothing half-way, and gives nothing to another school or a lesser role; the lists keep
a fixed number of queries.

Every test that depends on the day says which (`clock.on`), from the world's year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tenants.utils import schema_context

from journal.attestation.models import ControlWork
from journal.control.models import Remark
from journal.control.services import remark_create, remark_mend
from journal.register.models import Lesson, MarkDeadline
from journal.register.services import substitution_grant
from journal.structure.models import ReportingPeriod
from journal.yearend.models import YearClosing
from tests import clock
from tests.world import World, school_year_create, staff

DEADLINES = "/deadlines/"
REMARKS = "/remarks/"
REMARK_NEW = "/remarks/new/"
SUBSTITUTIONS = "/substitutions/"
GRANT = "/substitutions/grant/"
WORKS = "/control-works/"
LESSER = ("pupil", "parent")


def mend_url(remark_id: int) -> str:
    return f"/remarks/{remark_id}/mend/"


def school_day(world: World, offset: int = 0) -> dt.date:
    """A day of the world's 5th-grade period (offset days after its start, inside it)."""
    period = world.period
    return min(period.starts_on + dt.timedelta(days=offset), period.ends_on)


def count(model: Any, **filters: Any) -> int:
    with schema_context("school1"):
        return int(model.objects.filter(**filters).count())


def close_year(world: World) -> None:
    with schema_context("school1"):
        YearClosing.objects.create(
            year=world.year,
            order_number="101-о",
            order_date=world.year.ends_on,
            closed_by=world.users["director"],
        )


def school2_year(school2_user: Any) -> Any:
    """A school2 director with a school year of their own (so that 404 is about the ids)."""
    client = school2_user("director")
    with schema_context("school2"):
        from accounts.models import User

        school_year_create(clock.chosen_today(), by=User.objects.get(username="director2"))
    return client


# ---------------------------------------------------------------- deadlines (MRK-3)


def periods_of(world: World) -> list[ReportingPeriod]:
    with schema_context("school1"):
        return list(
            ReportingPeriod.objects.filter(year=world.year).order_by("grade_from", "number")
        )


def deadline_post(period: ReportingPeriod, **values: str) -> dict[str, str]:
    prefix = f"period-{period.pk}"
    return {"line": prefix, **{f"{prefix}-{k}": v for k, v in values.items()}}


def test_deputy_sees_each_period_and_sets_the_orders_deadline_mrk3(
    world: World, page_client: Any
) -> None:
    periods = periods_of(world)
    client = page_client("deputy")
    html = client.get(DEADLINES).content.decode()
    for p in periods:  # every period of every grade band, with the regulation's default
        assert f"{p.title} ({p.grade_from}–{p.grade_to} кл.)" in html
        assert f"{p.ends_on + dt.timedelta(days=7):%d.%m.%Y}" in html
    assert "Годовые отметки" in html and "Итоговые отметки" in html
    period = world.period
    due = period.ends_on + dt.timedelta(days=3)
    response = client.post(
        DEADLINES,
        deadline_post(
            period,
            due_on=due.isoformat(),
            order_number="45-о",
            order_date=period.starts_on.isoformat(),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:500]
    with schema_context("school1"):
        row = MarkDeadline.objects.get(period=period)
        assert (row.due_on, row.order_number, row.set_by_id) == (
            due,
            "45-о",
            world.users["deputy"].pk,
        )
    html = client.get(response["Location"]).content.decode()
    assert f"приказ № 45-о от {period.starts_on:%d.%m.%Y}" in html
    # The year's marks have a deadline of their own.
    year_due = world.year.ends_on - dt.timedelta(days=30)
    response = client.post(
        DEADLINES,
        {
            "line": "year",
            "year-due_on": year_due.strftime("%d.%m.%Y"),
            "year-order_number": "46-о",
            "year-order_date": period.starts_on.isoformat(),
        },
    )
    assert response.status_code == 302
    assert count(MarkDeadline, kind="year", due_on=year_due) == 1


def test_deadline_form_refuses_in_russian_and_writes_nothing_mrk3(
    world: World, page_client: Any
) -> None:
    client = page_client("director")
    period = world.period
    empty = client.post(DEADLINES, deadline_post(period, due_on="", order_number=""))
    html = empty.content.decode()
    assert empty.status_code == 400
    assert "Укажите: последний день выставления." in html
    assert "Укажите: номер приказа." in html and "Укажите: дата приказа." in html
    early = client.post(
        DEADLINES,
        deadline_post(
            period,
            due_on=(period.ends_on - dt.timedelta(days=1)).isoformat(),
            order_number="47-о",
            order_date=period.starts_on.isoformat(),
        ),
    )
    assert early.status_code == 400
    assert f"Срок не может быть раньше окончания периода ({period.ends_on:%d.%m.%Y})." in (
        early.content.decode()
    )
    bad_date = client.post(
        DEADLINES, deadline_post(period, due_on="31.02.2027", order_number="1", order_date="x")
    )
    assert bad_date.status_code == 400 and "Дата: ДД.ММ.ГГГГ." in bad_date.content.decode()
    assert client.post(DEADLINES, {"line": "period-999999"}).status_code == 404
    assert count(MarkDeadline) == 0


def test_closed_years_deadlines_are_read_only_year1(world: World, page_client: Any) -> None:
    close_year(world)
    client = page_client("deputy")
    html = client.get(DEADLINES).content.decode()
    assert "закрыт" in html and "Установить срок по приказу" not in html
    period = world.period
    response = client.post(
        DEADLINES,
        deadline_post(
            period,
            due_on=(period.ends_on + dt.timedelta(days=3)).isoformat(),
            order_number="48-о",
            order_date=period.starts_on.isoformat(),
        ),
    )
    assert response.status_code == 400
    assert "закрыт (приказ № 101-о)" in response.content.decode()
    assert count(MarkDeadline) == 0


def test_teachers_read_the_deadlines_lesser_roles_and_other_schools_get_nothing_mrk3(
    world: World, page_client: Any, school2_user: Any
) -> None:
    teacher = page_client("teacher")
    html = teacher.get(DEADLINES).content.decode()
    assert world.period.title in html and "Установить срок по приказу" not in html
    data = deadline_post(
        world.period,
        due_on=(world.period.ends_on + dt.timedelta(days=3)).isoformat(),
        order_number="49-о",
        order_date=world.period.starts_on.isoformat(),
    )
    assert teacher.post(DEADLINES, data).status_code == 403
    for persona in LESSER:
        assert page_client(persona).get(DEADLINES).status_code == 403
        assert page_client(persona).post(DEADLINES, data).status_code == 403
    other = school2_year(school2_user)
    assert other.get(f"{DEADLINES}?year={world.year.pk}").status_code == 404
    assert other.post(DEADLINES, data).status_code == 404
    assert count(MarkDeadline) == 0


def test_deadlines_page_query_count_is_fixed(
    world: World, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    client = page_client("deputy")
    client.get(DEADLINES)
    with django_assert_max_num_queries(13):  # 12 + the menu's unread-messages badge
        assert client.get(DEADLINES).status_code == 200


# ---------------------------------------------------------------- remarks (CTL-1)


def test_deputy_writes_a_remark_from_the_control_page_ctl1(world: World, page_client: Any) -> None:
    day = school_day(world, 3)
    lesson = world.lesson_today
    with clock.on(day):
        client = page_client("deputy")  # signed in on that day (sessions last 12 hours)
        control = client.get(f"/control/?from={lesson.date}&to={lesson.date}").content.decode()
        assert f"{REMARK_NEW}?lesson={lesson.pk}&amp;text=" in control
        draft = client.get(f"{REMARK_NEW}?lesson={lesson.pk}&text=Нет темы").content.decode()
        assert "Нет темы</textarea>" in draft
        assert f'<option value="{world.math5a.pk}" selected>' in draft
        response = client.post(
            REMARK_NEW,
            {"assignment": world.math5a.pk, "lesson": lesson.pk, "text": "Не записана тема"},
        )
        assert response.status_code == 302, response.content.decode()[:500]
    with schema_context("school1"):
        remark = Remark.objects.get()
        assert (remark.assignment_id, remark.lesson_id, remark.text) == (
            world.math5a.pk,
            lesson.pk,
            "Не записана тема",
        )
        assert remark.written_by_id == world.users["deputy"].pk
        assert remark.due_on == day + dt.timedelta(days=7)


def test_remark_form_refuses_in_russian_and_writes_nothing_ctl1(
    world: World, page_client: Any
) -> None:
    client = page_client("deputy")
    empty = client.post(REMARK_NEW, {"assignment": world.math5a.pk, "text": "  "})
    assert empty.status_code == 400 and "Опишите замечание." in empty.content.decode()
    unknown = client.post(REMARK_NEW, {"text": "Нет темы"})
    assert unknown.status_code == 400
    assert "Выберите значение из списка." in unknown.content.decode()
    wrong = client.post(
        REMARK_NEW,
        {"assignment": world.math5a.pk, "lesson": world.lesson_1a.pk, "text": "Нет темы"},
    )
    assert wrong.status_code == 400
    assert "Урок не относится к этому журналу." in wrong.content.decode()
    assert count(Remark) == 0


def make_remark(world: World, day: dt.date, text: str = "Нет темы", **kw: Any) -> Remark:
    with clock.on(day), schema_context("school1"):
        return remark_create(
            assignment=kw.pop("assignment", world.math5a),
            text=text,
            by=world.users["deputy"],
            **kw,
        )


def test_teacher_sees_their_remark_and_mends_it_ctl1(world: World, page_client: Any) -> None:
    day = school_day(world, 2)
    remark = make_remark(world, day, "Не выставлены отметки", lesson=world.lesson_today)
    other = make_remark(world, day, "Чужой журнал", assignment=world.russian5b)
    with clock.on(day + dt.timedelta(days=1)):
        teacher = page_client("teacher")
        html = teacher.get(REMARKS).content.decode()
        assert "Не выставлены отметки" in html and "Чужой журнал" not in html
        assert f"Устранить до <strong>{day + dt.timedelta(days=7):%d.%m.%Y}</strong>" in html
        assert "Итоги по учителям" not in html  # the school's overview is the deputy's
        empty = teacher.post(mend_url(remark.pk), {f"r{remark.pk}-note": ""})
        assert empty.status_code == 400
        assert "Напишите, что исправлено." in empty.content.decode()
        assert count(Remark, mended_at__isnull=False) == 0
        done = teacher.post(mend_url(remark.pk), {f"r{remark.pk}-note": "Отметки выставлены"})
        assert done.status_code == 302
        again = teacher.post(mend_url(remark.pk), {f"r{remark.pk}-note": "Ещё раз"})
        assert again.status_code == 400
        assert "Замечание уже отмечено устранённым" in again.content.decode()
        html = teacher.get(REMARKS).content.decode()
        assert "Устранено в срок" in html and "Отметки выставлены" in html
    with schema_context("school1"):
        mended = Remark.objects.get(pk=remark.pk)
        assert (mended.mend_note, mended.mended_by_id) == (
            "Отметки выставлены",
            world.users["teacher"].pk,
        )
        assert Remark.objects.get(pk=other.pk).mended_at is None


def test_only_the_journals_teacher_mends_a_remark_ctl1(
    world: World, page_client: Any, school2_user: Any
) -> None:
    remark = make_remark(world, school_day(world, 2))
    data = {f"r{remark.pk}-note": "Исправлено"}
    assert page_client("other_teacher").post(mend_url(remark.pk), data).status_code == 404
    assert page_client("substitute").post(mend_url(remark.pk), data).status_code == 404
    assert page_client("deputy").post(mend_url(remark.pk), data).status_code == 404
    assert page_client("director").post(mend_url(remark.pk), data).status_code == 404
    for persona in LESSER:
        assert page_client(persona).post(mend_url(remark.pk), data).status_code == 403
        assert page_client(persona).get(REMARKS).status_code == 403
    assert school2_user("teacher").post(mend_url(remark.pk), data).status_code == 404
    assert count(Remark, mended_at__isnull=False) == 0


def test_lesser_roles_and_other_schools_write_no_remark_ctl1(
    world: World, page_client: Any, school2_user: Any
) -> None:
    data = {"assignment": world.math5a.pk, "lesson": world.lesson_today.pk, "text": "Нет темы"}
    for persona in ("teacher", "class_teacher", "journal_admin", "secretary"):
        assert page_client(persona).get(REMARK_NEW).status_code == 404, persona
        assert page_client(persona).post(REMARK_NEW, data).status_code == 404, persona
    for persona in LESSER:
        assert page_client(persona).post(REMARK_NEW, data).status_code == 403
    other = school2_year(school2_user)
    assert other.get(f"{REMARK_NEW}?lesson={world.lesson_today.pk}").status_code == 404
    assert other.post(REMARK_NEW, data).status_code == 404
    assert other.get(f"{REMARKS}?year={world.year.pk}").status_code == 404
    assert count(Remark) == 0


def test_deputy_sees_open_overdue_and_mended_remarks_ctl1(world: World, page_client: Any) -> None:
    day = school_day(world, 1)
    mended = make_remark(world, day, "Исправлено в срок")
    overdue = make_remark(world, day, "Забыто")
    fresh = make_remark(world, day + dt.timedelta(days=8), "Свежее")
    with clock.on(day + dt.timedelta(days=2)), schema_context("school1"):
        remark_mend(remark=mended, note="Темы внесены", by=world.users["teacher"])
    with clock.on(day + dt.timedelta(days=10)):
        client = page_client("deputy")
        html = client.get(REMARKS).content.decode()
        # Математикова: 3 in all, 1 open, 1 overdue, 1 mended in time, none late.
        assert (
            '<tr><th scope="row">Математикова Тест</th><td class="num">3</td>'
            '<td class="num">1</td><td class="num bad">1</td><td class="num">1</td>'
            '<td class="num">0</td></tr>'
        ) in html
        for remark, status in ((mended, "mended"), (overdue, "overdue"), (fresh, "open")):
            assert f'data-remark="{remark.pk}" data-status="{status}"' in html
        only = client.get(f"{REMARKS}?status=overdue").content.decode()
        assert f'data-remark="{overdue.pk}"' in only
        assert f'data-remark="{mended.pk}"' not in only and f'data-remark="{fresh.pk}"' not in only


def test_remarks_pages_query_counts_do_not_grow(
    world: World, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    day = school_day(world, 1)
    for n in range(12):
        make_remark(world, day, f"Замечание {n}", lesson=world.lesson_old)
        make_remark(world, day, f"Чужое {n}", assignment=world.russian5b)
    with clock.on(day + dt.timedelta(days=1)):
        for persona in ("deputy", "teacher"):
            client = page_client(persona)
            client.get(REMARKS)
            with django_assert_max_num_queries(14):
                assert client.get(REMARKS).status_code == 200


# ---------------------------------------------------------------- substitutions (ROLE-3, ROLE-5)


def lesson_on(world: World, day: dt.date, slot: int = 3) -> Lesson:
    with schema_context("school1"):
        return Lesson.objects.create(assignment=world.math5a, date=day, slot=slot)


def grant_data(
    world: World, lesson: Lesson, persona: str = "substitute_no_grant"
) -> dict[str, Any]:
    with schema_context("school1"):
        substitute = staff(world.users[persona]).pk
    return {
        "date": lesson.date.isoformat(),
        "lesson": lesson.pk,
        "substitute_id": substitute,
        "reason": "Курсы повышения квалификации",
    }


def test_deputy_grants_a_substitution_and_the_journal_lists_it_role5(
    world: World, page_client: Any
) -> None:
    day = school_day(world, 4)
    lesson = lesson_on(world, day)
    client = page_client("deputy")
    form = client.get(f"{GRANT}?date={day}").content.decode()
    assert f'<option value="{lesson.pk}">3-й урок, 5А Математика — Математикова Тест' in form
    response = client.post(GRANT, grant_data(world, lesson))
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == f"{SUBSTITUTIONS}?from={day}&to={day}"
    with schema_context("school1"):
        granted = Lesson.objects.get(pk=lesson.pk)
        assert granted.substitute == staff(world.users["substitute_no_grant"])
        assert granted.substituted_teacher == staff(world.users["teacher"])
    html = client.get(response["Location"]).content.decode()
    row = html.split(f'data-lesson="{lesson.pk}"', 1)[1].split("</tr>", 1)[0]
    for text in (
        f"{day:%d.%m.%Y}",
        ">3<",
        "5А",
        "Математика",
        "Безгрантова Тест",
        "Математикова Тест",
        "Курсы повышения квалификации",
        "Deputy Тест",
    ):
        assert text in row, text
    # The world's own substitution is listed exactly when it falls on that day.
    listed = f'data-lesson="{world.lesson_subst.pk}"' in html
    assert listed == (world.lesson_subst.date == day)


def test_substitution_journal_filters_by_dates_and_period_role5(
    world: World, page_client: Any
) -> None:
    first, later = school_day(world, 1), school_day(world, 9)
    early, late = lesson_on(world, first), lesson_on(world, later)
    with schema_context("school1"):
        for lesson in (early, late):
            substitution_grant(
                lesson=lesson,
                substitute=staff(world.users["substitute_no_grant"]),
                reason="Болезнь",
                by=world.users["deputy"],
            )
    client = page_client("deputy")
    year = client.get(SUBSTITUTIONS).content.decode()
    assert f'data-lesson="{early.pk}"' in year and f'data-lesson="{late.pk}"' in year
    one = client.get(f"{SUBSTITUTIONS}?from={later}&to={later}").content.decode()
    assert f'data-lesson="{late.pk}"' in one and f'data-lesson="{early.pk}"' not in one
    period = client.get(f"{SUBSTITUTIONS}?period={world.period.pk}").content.decode()
    assert f'data-lesson="{early.pk}"' in period
    assert f"{world.period.starts_on:%d.%m.%Y} по {world.period.ends_on:%d.%m.%Y}" in period
    assert client.get(f"{SUBSTITUTIONS}?period=999999").status_code == 404


def test_substitution_form_refuses_in_russian_and_writes_nothing_role3(
    world: World, page_client: Any
) -> None:
    lesson = lesson_on(world, school_day(world, 4))
    client = page_client("deputy")
    no_reason = client.post(GRANT, {**grant_data(world, lesson), "reason": ""})
    assert no_reason.status_code == 400
    assert "Укажите: причина замены." in no_reason.content.decode()
    itself = client.post(GRANT, grant_data(world, lesson, "teacher"))
    assert itself.status_code == 400
    assert "Учитель не может замещать сам себя." in itself.content.decode()
    other_day = client.post(
        GRANT, {**grant_data(world, lesson), "date": (lesson.date + dt.timedelta(days=1))}
    )
    assert other_day.status_code == 400
    assert "Выберите значение из списка." in other_day.content.decode()
    not_teacher = client.post(GRANT, grant_data(world, lesson, "secretary"))
    assert not_teacher.status_code == 400
    with schema_context("school1"):
        assert Lesson.objects.get(pk=lesson.pk).substitute_id is None


def test_the_substitute_finds_and_enters_the_granted_lesson_role3(
    world: World, page_client: Any
) -> None:
    day = school_day(world, 4)
    lesson = lesson_on(world, day)
    assert page_client("substitute_no_grant").get(f"/lessons/{lesson.pk}/").status_code == 404
    assert page_client("deputy").post(GRANT, grant_data(world, lesson)).status_code == 302
    substitute = page_client("substitute_no_grant")
    today = substitute.get(f"/teacher/today/?date={day}").content.decode()
    assert f"/lessons/{lesson.pk}/" in today and "замена" in today
    page = substitute.get(f"/lessons/{lesson.pk}/")
    assert page.status_code == 200 and "<textarea" in page.content.decode()


def test_teachers_read_only_their_substitutions_others_get_nothing_role5(
    world: World, page_client: Any, school2_user: Any
) -> None:
    lesson = lesson_on(world, school_day(world, 4))
    data = grant_data(world, lesson)
    absent = page_client("teacher").get(SUBSTITUTIONS).content.decode()
    assert f'data-lesson="{world.lesson_subst.pk}"' in absent  # the absent teacher's own
    assert "Назначить замену" not in absent
    stranger = page_client("other_teacher").get(SUBSTITUTIONS).content.decode()
    assert f'data-lesson="{world.lesson_subst.pk}"' not in stranger
    for persona in ("teacher", "substitute", "journal_admin", "secretary"):
        assert page_client(persona).get(GRANT).status_code == 404, persona
        assert page_client(persona).post(GRANT, data).status_code == 404, persona
    for persona in LESSER:
        assert page_client(persona).get(SUBSTITUTIONS).status_code == 403
        assert page_client(persona).post(GRANT, data).status_code == 403
    other = school2_year(school2_user)
    assert other.get(f"{GRANT}?lesson={lesson.pk}").status_code == 404
    assert other.post(GRANT, data).status_code == 404
    assert count(Lesson, pk=lesson.pk, substitute__isnull=False) == 0


def test_substitution_journal_query_count_does_not_grow(
    world: World, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    with schema_context("school1"):
        for n in range(15):
            lesson = Lesson.objects.create(
                assignment=world.math5a, date=school_day(world, n % 7), slot=6 + n // 7
            )
            substitution_grant(
                lesson=lesson,
                substitute=staff(world.users["substitute_no_grant"]),
                reason="Болезнь",
                by=world.users["deputy"],
            )
    for persona in ("deputy", "teacher"):
        client = page_client(persona)
        client.get(SUBSTITUTIONS)
        with django_assert_max_num_queries(11):  # 10 + the menu's unread-messages badge
            assert client.get(SUBSTITUTIONS).status_code == 200


# ---------------------------------------------------------------- control works (YEAR-2)


def test_deputy_schedules_works_checked_against_lessons_year2(
    world: World, page_client: Any
) -> None:
    held_day, missed_day = school_day(world, 2), school_day(world, 5)
    with schema_context("school1"):
        Lesson.objects.create(assignment=world.math5a, date=held_day, slot=4, kind="test")
    client = page_client("deputy")
    for day in (held_day, missed_day):
        response = client.post(
            WORKS,
            {
                "assignment": world.math5a.pk,
                "kind": "test",
                "planned_on": day.isoformat(),
                "topic": "Дроби",
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
    assert count(ControlWork, agreed_by=world.users["deputy"]) == 2
    with clock.on(missed_day + dt.timedelta(days=1)):
        client = page_client("deputy")
        html = client.get(f"{WORKS}?class={world.class5a.pk}").content.decode()
        teacher_html = page_client("teacher").get(WORKS).content.decode()
    assert "5А Математика" in html and "Дроби" in html
    assert 'data-status="held"' in html and "Проведена</td>" in html
    assert 'data-status="missing"' in html and "Не проведена" in html
    # The teacher reads their own journal's schedule, without the form.
    assert 'data-status="held"' in teacher_html and "Внести в график" not in teacher_html
    stranger = page_client("other_teacher").get(WORKS).content.decode()
    assert "5А Математика" not in stranger and "В графике работ нет." in stranger


def test_control_work_form_refuses_in_russian_and_writes_nothing_year2(
    world: World, page_client: Any
) -> None:
    client = page_client("deputy")
    empty = client.post(WORKS, {})
    html = empty.content.decode()
    assert empty.status_code == 400
    assert "Выберите значение из списка." in html and "Укажите: дата по графику." in html
    outside = client.post(
        WORKS,
        {
            "assignment": world.math5a.pk,
            "kind": "lab",
            "planned_on": (world.year.ends_on + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert outside.status_code == 400 and "Дата вне учебного года" in outside.content.decode()
    assert count(ControlWork) == 0


def test_lesser_roles_and_other_schools_schedule_nothing_year2(
    world: World, page_client: Any, school2_user: Any
) -> None:
    data = {
        "assignment": world.math5a.pk,
        "kind": "test",
        "planned_on": school_day(world, 3).isoformat(),
    }
    for persona in ("teacher", "class_teacher"):
        assert page_client(persona).post(WORKS, data).status_code == 403
    for persona in ("journal_admin", "secretary", *LESSER):
        assert page_client(persona).get(WORKS).status_code == 403, persona
        assert page_client(persona).post(WORKS, data).status_code == 403, persona
    other = school2_year(school2_user)
    assert other.post(WORKS, data).status_code == 404
    assert other.get(f"{WORKS}?class={world.class5a.pk}").status_code == 404
    assert count(ControlWork) == 0


def test_control_works_query_count_does_not_grow(
    world: World, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    from journal.attestation.services import control_work_schedule

    with schema_context("school1"):
        for n in range(10):
            day = school_day(world, n)
            for assignment in (world.math5a, world.russian5b):
                control_work_schedule(
                    assignment=assignment, kind="test", planned_on=day, by=world.users["deputy"]
                )
    for persona in ("deputy", "teacher"):
        client = page_client(persona)
        client.get(WORKS)
        with django_assert_max_num_queries(12):
            assert client.get(WORKS).status_code == 200
