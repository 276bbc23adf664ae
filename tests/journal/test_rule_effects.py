"""Every adopted rule changes what the journal does, in the school that adopted it only
(TPL-1, issue 10).

Each test builds the same small school year in school1 and school2, lets school1 adopt a
new version of its regulation that changes one rule, and shows the behaviour switch in
school1 while school2, on the seeded version, behaves as before. The guard test
`tests/catalog/test_every_rule_is_read.py` requires every rule of the schema to be named
in this file's tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from core.errors import ApplicationError
from journal.register import services as reg
from journal.register.models import Lesson, MarkCorrection
from journal.register.services import AttendanceInput, MarkInput
from journal.structure.models import AcademicYear, ReportingPeriod
from tests.catalog.adopt import adopt_rules
from tests.world import World, build_world

SCHOOLS = ("school1", "school2")


@pytest.fixture
def worlds(school1: Any, school2: Any) -> dict[str, World]:
    built = {}
    for schema in SCHOOLS:
        with schema_context(schema):
            built[schema] = build_world(n_pupils=2)
    return built


@contextmanager
def at(day: dt.date, hour: int, minute: int = 0) -> Iterator[None]:
    """The clock at a local time of a day (the school's time zone)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
    with time_machine.travel(moment, tick=False):
        yield


def outcome(action: Any) -> str:
    """'ok', or the kind of refusal: each school's answer to the same request."""
    try:
        action()
    except ApplicationError:
        return "refused"
    except ValidationError:
        return "invalid"
    return "ok"


def each(worlds: dict[str, World], act: Any) -> dict[str, str]:
    """Run the same request in both schools; each school's answer."""
    result = {}
    for schema, world in worlds.items():
        with schema_context(schema):
            result[schema] = outcome(lambda w=world: act(w))
    return result


def lesson_days_ago(world: World, days: int, slot: int = 3) -> Lesson:
    return Lesson.objects.create(
        assignment=world.math5a, date=world.today - dt.timedelta(days=days), slot=slot
    )


def mark(world: World, lesson: Lesson, value: int = 4, kind: str = "oral") -> Any:
    return reg.marks_save(
        lesson=lesson, marks=[MarkInput(world.pupils[0].pk, value, kind)], by=world.users["teacher"]
    )


# --------------------------------------------------------------------------- marks


def test_mark_scale(worlds: dict[str, World]) -> None:
    adopt_rules("school1", mark_scale=[1, 2, 3, 4, 5])
    assert each(worlds, lambda w: mark(w, w.lesson_today, value=1)) == {
        "school1": "ok",
        "school2": "invalid",
    }


def test_grades_without_marks(worlds: dict[str, World]) -> None:
    adopt_rules("school1", grades_without_marks=[])

    def first_grade_mark(w: World) -> Any:
        pupil = w.extra["first_graders"][0]
        return reg.marks_save(
            lesson=w.lesson_1a, marks=[MarkInput(pupil.pk, 5, "oral")], by=w.users["teacher"]
        )

    assert each(worlds, first_grade_mark) == {"school1": "ok", "school2": "refused"}


def test_mark_entry_deadline_hours(worlds: dict[str, World]) -> None:
    """Seeded: 24 h after the lesson's day; school1 adopts 0 h (the lesson's day only)."""
    adopt_rules("school1", mark_entry_deadline_hours=0)
    today = worlds["school1"].today
    with at(today, 10):
        assert each(worlds, lambda w: mark(w, w.lesson_yesterday)) == {
            "school1": "refused",
            "school2": "ok",
        }


def test_mark_entry_deadline_from_the_end_of_the_days_lessons(worlds: dict[str, World]) -> None:
    """000 §3.9: three hours after the end of the pupils' lessons of the day, by the bell
    schedule (5А's last lesson today is №5, 12:00–12:45: the deadline is 15:45)."""
    adopt_rules("school1", mark_entry_deadline_from="lessons_end", mark_entry_deadline_hours=3)
    today = worlds["school1"].today
    with at(today, 15, 40):
        assert each(worlds, lambda w: mark(w, w.lesson_today)) == {"school1": "ok", "school2": "ok"}
    with at(today, 15, 50):
        assert each(worlds, lambda w: mark(w, w.lesson_today, value=5)) == {
            "school1": "refused",
            "school2": "ok",
        }
        with schema_context("school1"):
            with pytest.raises(ApplicationError) as err:
                mark(worlds["school1"], worlds["school1"].lesson_today)
    assert "3 ч после окончания уроков класса" in err.value.message


def test_attendance_follows_the_entry_deadline_from_the_end_of_lessons(
    worlds: dict[str, World],
) -> None:
    adopt_rules("school1", mark_entry_deadline_from="lessons_end", mark_entry_deadline_hours=1)
    today = worlds["school1"].today

    def absent(w: World) -> Any:
        return reg.attendance_save(
            lesson=w.lesson_today,
            entries=[AttendanceInput(w.pupils[0].pk, "Н")],
            by=w.users["teacher"],
        )

    with at(today, 14):  # 5А's lessons ended 12:45
        assert each(worlds, absent) == {"school1": "refused", "school2": "ok"}


def test_written_work_mark_deadline_days(worlds: dict[str, World]) -> None:
    """001 §2.4: marks for written work within a week of the work; school1 adopts 3 days."""
    adopt_rules("school1", written_work_mark_deadline_days=3)
    lessons = {}
    for schema, world in worlds.items():
        with schema_context(schema):
            lessons[schema] = lesson_days_ago(world, 5).pk

    def test_mark(w: World) -> Any:
        return mark(w, Lesson.objects.get(pk=lessons[_schema(w)]), 3, "test")

    assert each(worlds, test_mark) == {"school1": "refused", "school2": "ok"}
    # An oral answer five days ago is late in both: written work alone has the longer term.
    assert each(
        worlds, lambda w: mark(w, Lesson.objects.get(pk=lessons[_schema(w)]), 3, "oral")
    ) == {"school1": "refused", "school2": "refused"}


def _schema(world: World) -> str:
    from core.tenancy import db

    return str(db.schema_name)


def test_work_kinds_set_a_mark_deadline_per_kind_of_work(worlds: dict[str, World]) -> None:
    """004 §8.5: the school's act may give a kind of work its own term (essays: 10 days)."""
    kinds = [
        {**k, "mark_deadline_days": 10} if k["code"] == "essay" else k for k in _seeded_work_kinds()
    ]
    adopt_rules("school1", work_kinds=kinds)
    lessons = {}
    for schema, world in worlds.items():
        with schema_context(schema):
            lessons[schema] = lesson_days_ago(world, 9).pk

    def essay(w: World) -> Any:
        return mark(w, Lesson.objects.get(pk=lessons[_schema(w)]), 5, "essay")

    def dictation(w: World) -> Any:
        return mark(w, Lesson.objects.get(pk=lessons[_schema(w)]), 5, "dictation")

    assert each(worlds, essay) == {"school1": "ok", "school2": "refused"}
    assert each(worlds, dictation) == {"school1": "refused", "school2": "refused"}


def _seeded_work_kinds() -> list[dict[str, Any]]:
    from catalog.seed import DEFAULT_RULES_SEED

    return [dict(k) for k in DEFAULT_RULES_SEED["work_kinds"]]


def test_backdating_window_days(worlds: dict[str, World]) -> None:
    adopt_rules("school1", backdating_window_days=25)
    assert each(worlds, lambda w: mark(w, w.lesson_old)) == {"school1": "ok", "school2": "refused"}
    with schema_context("school1"):
        saved = mark(worlds["school1"], worlds["school1"].lesson_old, 5)
    assert saved[0].is_late_entry is True


def test_correction(worlds: dict[str, World]) -> None:
    """Every seed forbids corrections of marks (004 §8.6); a template may allow them."""
    adopt_rules("school1", correction={"allowed": True})

    def correct(w: World) -> Any:
        (saved,) = mark(w, w.lesson_today, 2)
        return reg.mark_correct(
            mark=saved, new_value=4, reason="Ошибка ввода", by=w.users["deputy"]
        )

    assert each(worlds, correct) == {"school1": "ok", "school2": "refused"}
    with schema_context("school2"):
        assert not MarkCorrection.objects.exists()


# --------------------------------------------------------------------------- lesson records


def test_homework_deadline_hours(worlds: dict[str, World]) -> None:
    """LES-2: homework by the end of the day's lessons (12:45 for 5А); school1 gives 3 hours
    more. Both schools mend nothing afterwards (mending window 0) to isolate the rule."""
    adopt_rules("school2", mending_window_days=0)
    adopt_rules("school1", mending_window_days=0, homework_deadline_hours=3)
    today = worlds["school1"].today

    def homework(w: World) -> Any:
        return reg.lesson_update(lesson=w.lesson_today, homework="№ 12", by=w.users["teacher"])

    with at(today, 12, 30):
        assert each(worlds, homework) == {"school1": "ok", "school2": "ok"}
    with at(today, 14):
        assert each(worlds, homework) == {"school1": "ok", "school2": "invalid"}
    with at(today, 16):
        assert each(worlds, homework) == {"school1": "invalid", "school2": "invalid"}


def test_homework_is_posted_ahead_under_any_deadline(worlds: dict[str, World]) -> None:
    adopt_rules("school1", mending_window_days=0, homework_deadline_hours=0)
    with schema_context("school1"):
        world = worlds["school1"]
        ahead = Lesson.objects.create(
            assignment=world.math5a, date=world.today + dt.timedelta(days=4), slot=1
        )
        reg.lesson_update(lesson=ahead, homework="§ 7", by=world.users["teacher"])
        ahead.refresh_from_db()
        assert ahead.homework == "§ 7"


def test_mending_window_days(worlds: dict[str, World]) -> None:
    """004 §8.6: gaps in the lesson records (a missing topic) are mended within 7 days;
    school1 adopts 3."""
    adopt_rules("school1", mending_window_days=3)
    lessons = {}
    for schema, world in worlds.items():
        with schema_context(schema):
            lessons[schema] = lesson_days_ago(world, 5).pk

    def topic(w: World) -> Any:
        lesson = Lesson.objects.get(pk=lessons[_schema(w)])
        return reg.lesson_update(lesson=lesson, topic="Дроби", by=w.users["teacher"])

    assert each(worlds, topic) == {"school1": "invalid", "school2": "ok"}


# --------------------------------------------------------------------------- reports, archive


def test_min_marks_per_weekly_hour(worlds: dict[str, World]) -> None:
    from journal.register.selectors import accumulation_report

    adopt_rules("school1", min_marks_per_weekly_hour=2)
    required = {}
    for schema, w in worlds.items():
        with schema_context(schema):
            rows = accumulation_report(
                assignment_id=w.math5a.pk, period_id=w.period.pk, for_user=w.users["teacher"]
            )
            required[schema] = rows[0].required
    assert required == {"school1": 8, "school2": 4}  # 4 hours a week


def test_systematic_absence_threshold(worlds: dict[str, World]) -> None:
    from journal.register.selectors import attendance_daily

    adopt_rules("school1", systematic_absence_threshold=2)
    flagged = {}
    for schema, w in worlds.items():
        with schema_context(schema), at(w.today, 12):
            for lesson in (w.lesson_yesterday, w.lesson_today):
                reg.attendance_save(
                    lesson=lesson,
                    entries=[AttendanceInput(w.pupils[0].pk, "Н")],
                    by=w.users["teacher"],
                )
            rows = attendance_daily(
                class_group_id=w.class5a.pk, on_date=w.today, for_user=w.users["class_teacher"]
            )
            flagged[schema] = next(r.systematic for r in rows if r.pupil_id == w.pupils[0].pk)
    assert flagged == {"school1": True, "school2": False}  # two days in a row


def test_paper_copy_cadence(worlds: dict[str, World]) -> None:
    """002 п.4: paper copies at the end of each quarter in 2–9; school1 adopts half-years.

    The world's year has quarters only, so school1's half-years come from the operator's
    calendar of the adopted scheme."""
    from catalog.selectors import calendar_periods
    from journal.structure.selectors import paper_copies_due

    adopt_rules("school1", paper_copy_cadence={"2-11": "half_year"})
    with schema_context("school1"):
        start_year = worlds["school1"].year.starts_on.year
        half_years = calendar_periods(start_year=start_year, kind="half_year")
        quarter_ends = sorted(
            p.ends_on
            for p in ReportingPeriod.objects.filter(
                year=worlds["school1"].year, kind="quarter", grade_from__lte=5, grade_to__gte=5
            )
        )
    # A quarter that does not end with a half-year (the 2nd ends on the 1st half-year's day).
    quarter_end = next(d for d in quarter_ends if d not in {h.end for h in half_years})

    def due(schema: str, on: dt.date) -> list[str]:
        w = worlds[schema]
        with schema_context(schema):
            return [
                d.class_group.title for d in paper_copies_due(on=on, for_user=w.users["deputy"])
            ]

    assert due("school2", quarter_end) == ["5А", "5Б"]  # 1А: no paper copy in grade 1
    assert due("school1", quarter_end) == []
    inside = [h.end for h in half_years if worlds["school1"].year.starts_on <= h.end]
    assert inside, "the seeded calendar has half-years in this school year"
    assert due("school1", inside[0]) == ["5А", "5Б"]
    # In the seeded calendar every half-year ends on a quarter's last day, so school2 (on
    # quarters) is due that day too; over the year, each school is due exactly on the ends
    # of its own cadence's periods.
    assert due("school2", inside[0]) == ["5А", "5Б"]
    days = sorted(set(quarter_ends) | set(inside))
    assert [d for d in days if due("school1", d)] == inside
    assert [d for d in days if due("school2", d)] == quarter_ends


def test_parent_printout_days(worlds: dict[str, World]) -> None:
    """DIA-3: printouts for parents without electronic access weekly (001); school1 adopts
    every two weeks (002)."""
    from journal.structure.selectors import parent_printouts_due

    adopt_rules("school1", parent_printout_days=14)
    answers = {}
    for schema, w in worlds.items():
        on = w.year.starts_on + dt.timedelta(days=21)
        with schema_context(schema):
            schedule = parent_printouts_due(on=on, for_user=w.users["deputy"])
        assert schedule is not None
        answers[schema] = (schedule.due_today, schedule.next_due_on - w.year.starts_on)
    assert answers == {
        "school1": (False, dt.timedelta(days=28)),
        "school2": (True, dt.timedelta(days=28)),
    }


def _old_year() -> AcademicYear:
    return AcademicYear.objects.create(
        title="2019/2020",
        starts_on=dt.date(2019, 9, 1),
        ends_on=dt.date(2020, 5, 31),
        is_current=False,
    )


def _old_year_retention(world: World) -> Any:
    from journal.structure.selectors import retention_due

    rows = retention_due(on=dt.date(2026, 1, 10), for_user=world.users["director"])
    (row,) = [r for r in rows if r.year.title == "2019/2020"]
    return row


def test_retention_journal_years(worlds: dict[str, World]) -> None:
    """000 §4.1: journals are kept 5 years; school1 adopts 10."""
    from journal.structure.selectors import retention_due

    adopt_rules("school1", retention_journal_years=10)
    found = {}
    for schema, w in worlds.items():
        with schema_context(schema):
            _old_year()
            (row,) = [
                r
                for r in retention_due(on=dt.date(2026, 1, 10), for_user=w.users["director"])
                if r.year.title == "2019/2020"
            ]
            found[schema] = (row.journals_kept_until, row.journals_expired)
    assert found == {
        "school1": (dt.date(2030, 5, 31), False),
        "school2": (dt.date(2025, 5, 31), True),
    }


def test_retention_summary_years(worlds: dict[str, World]) -> None:
    """000 §4.1: summary progress sheets are kept 25 years; school1 adopts 30."""
    from journal.structure.selectors import retention_due

    adopt_rules("school1", retention_summary_years=30)
    found = {}
    for schema, w in worlds.items():
        with schema_context(schema):
            _old_year()
            (row,) = [
                r
                for r in retention_due(on=dt.date(2026, 1, 10), for_user=w.users["director"])
                if r.year.title == "2019/2020"
            ]
            found[schema] = row.summaries_kept_until
    assert found == {"school1": dt.date(2050, 5, 31), "school2": dt.date(2045, 5, 31)}


def test_readers_of_due_dates_are_for_the_administration(worlds: dict[str, World]) -> None:
    from core.errors import PermissionDeniedError
    from journal.structure.selectors import paper_copies_due, parent_printouts_due, retention_due

    w = worlds["school1"]
    with schema_context("school1"):
        for reader in (paper_copies_due, parent_printouts_due, retention_due):
            for persona in ("teacher", "pupil", "parent"):
                with pytest.raises(PermissionDeniedError):
                    reader(on=w.today, for_user=w.users[persona])


# --------------------------------------------------------------------------- signing in (TPL-5)


def test_sign_in_staff_by_password_or_through_esia_only(worlds: dict[str, World]) -> None:
    """003 §3.1: staff sign in with a login and password; 002 §3.1: everyone through ЕСИА.
    school1 adopts the latter: its staff's passwords no longer open the journal."""
    from django.contrib.auth import authenticate

    from accounts.policy import password_sign_in_refusal

    adopt_rules("school1", sign_in={"staff": ["esia"]})
    signed_in = {}
    for schema, w in worlds.items():
        with schema_context(schema):
            user = authenticate(None, username="teacher", password="x-pass-12345")
            signed_in[schema] = user is not None
            refusal = password_sign_in_refusal(w.users["teacher"])
        if schema == "school1":
            assert refusal == "По положению школы сотрудники входят через Госуслуги (ЕСИА)."
    assert signed_in == {"school1": False, "school2": True}


def test_sign_in_pupils_through_esia_only_means_no_temporary_logins(
    worlds: dict[str, World],
) -> None:
    """004 §3.2 allows a temporary pupil login in exceptional cases; school1's regulation
    names ЕСИА only for pupils: no temporary login is issued there."""
    from journal.identity.services import temporary_login_issue

    adopt_rules("school1", sign_in={"pupil": ["esia"]})

    def issue(w: World) -> Any:
        return temporary_login_issue(
            pupil=w.pupils[0],
            request_reason="Нет учётной записи на Госуслугах",
            request_date=w.today,
            by=w.users["class_teacher"],
        )

    assert each(worlds, issue) == {"school1": "refused", "school2": "ok"}


def test_temporary_login_issuers(worlds: dict[str, World]) -> None:
    """004 §3.2: the class teacher issues temporary pupil logins; §5.4: the journal
    administrator. school1 adopts the administrator."""
    from journal.identity.models import TemporaryLogin
    from journal.identity.services import temporary_login_issue

    adopt_rules("school1", temporary_login_issuers=["journal_admin"])

    def issue_by(persona: str) -> Any:
        def act(w: World) -> Any:
            return temporary_login_issue(
                pupil=w.pupils[0],
                request_reason="Нет учётной записи на Госуслугах",
                request_date=w.today,
                by=w.users[persona],
            )

        return act

    assert each(worlds, issue_by("class_teacher")) == {"school1": "refused", "school2": "ok"}
    assert each(worlds, issue_by("journal_admin")) == {"school1": "ok", "school2": "refused"}
    with schema_context("school1"):
        (record,) = TemporaryLogin.objects.all()
        assert record.issued_by == worlds["school1"].users["journal_admin"]


def test_due_readers_make_as_many_queries_for_many_classes_as_for_few(
    worlds: dict[str, World],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from journal.structure import services as structure
    from journal.structure.selectors import paper_copies_due, retention_due

    w = worlds["school1"]
    on = w.period.ends_on

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert paper_copies_due(on=on, for_user=w.users["deputy"])
            retention_due(on=on, for_user=w.users["deputy"])
        return len(ctx.captured_queries)

    with schema_context("school1"):
        count()  # warm the cached rules
        few = count()
        for letter in "ВГДЕЖЗ":
            structure.class_group_create(
                year=w.year, grade=7, letter=letter, by=w.users["director"]
            )
        assert len(paper_copies_due(on=on, for_user=w.users["deputy"])) == 8
        assert count() == few


def test_small_cell_k(worlds: dict[str, World]) -> None:
    """A municipal rule: the department hides groups below the largest k the schools
    adopted (docs/department.md), so one school's k = 3 changes nothing while another keeps
    5, and applies once every school adopts it."""
    from department.selectors import small_cell_k

    assert small_cell_k() == 5
    adopt_rules("school1", small_cell_k=3)
    assert small_cell_k() == 5
    adopt_rules("school2", small_cell_k=3)
    assert small_cell_k() == 3
