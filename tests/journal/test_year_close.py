"""YEAR-1 (003 §5.2.3): closing a school year on a seeded school — the check, promotion
(conditional for academic debt), holding back, graduation, next year's classes and
periods, and the closed year frozen read-only (every write endpoint refuses it); DIA-6:
the diary keeps the closed year's marks readable."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from journal.access import scope_for
from journal.register import services as reg
from journal.register.models import Attendance, Lesson, Mark, PeriodMark
from journal.roster import services as roster
from journal.roster.models import ClassMembership, Pupil
from journal.structure import services as structure
from journal.structure.closing import YearClosedError
from journal.structure.models import AcademicYear, ClassGroup, ReportingPeriod
from journal.yearend.models import PromotionDecision, YearClosing
from tests import clock
from tests.journal.test_access_matrix import ENDPOINTS, PERSONAS
from tests.world import World, staff

B = "/api/v1/yearend/years/"


@dataclass
class EndOfYear:
    world: World
    class11a: ClassGroup
    class9a: ClassGroup
    graduate: Pupil
    graduate_debt: Pupil
    graduate_missing: Pupil
    ninth: Pupil
    after_end: dt.date
    next_starts_on: dt.date
    next_ends_on: dt.date
    next_title: str


def _year_mark(world: World, pupil: Pupil, assignment: Any, value: str) -> None:
    PeriodMark.objects.create(
        pupil=pupil,
        assignment=assignment,
        kind="year",
        value=value,
        entered_by=world.users["teacher"],
    )


@pytest.fixture
def end_of_year(world: World) -> Iterator[EndOfYear]:
    """On top of the world: 9А and 11А, and the year marks of every class but one pupil.

    5А: «5», «4», «2» (debt), «н/а» (debt), none (held back); 5Б: «4»; 1А: no marks (grade
    taught without marks); 9А: «4»; 11А: «5» (graduates), «2» (held back), none (held back).
    """
    w = world
    boss = w.users["director"]
    with schema_context("school1"):
        class9a = structure.class_group_create(year=w.year, grade=9, letter="А", by=boss)
        class11a = structure.class_group_create(year=w.year, grade=11, letter="А", by=boss)
        enrolled = w.today - dt.timedelta(days=90)

        def pupil(name: str, group: ClassGroup) -> Pupil:
            return roster.pupil_create(
                last_name=name,
                first_name="Антон",
                class_group=group,
                enrolled_on=enrolled,
                order_number=f"14-у/{name}",
                by=w.users["secretary"],
            )

        ninth = pupil("Девятиклассник", class9a)
        graduate, graduate_debt, graduate_missing = (
            pupil(n, class11a) for n in ("Выпускник", "Должник", "Безотметочный")
        )
        math9a, math11a = (
            structure.teaching_assignment_create(
                teacher=staff(w.users["teacher"]),
                subject=w.math,
                class_group=group,
                weekly_hours=Decimal(4),
                by=boss,
            )
            for group in (class9a, class11a)
        )
        for p, value in zip(w.pupils[:4], ("5", "4", "2", "н/а"), strict=True):
            _year_mark(w, p, w.math5a, value)
        _year_mark(w, w.other_pupil, w.russian5b, "4")
        _year_mark(w, ninth, math9a, "4")
        _year_mark(w, graduate, math11a, "5")
        _year_mark(w, graduate_debt, math11a, "2")
        after_end = w.year.ends_on + dt.timedelta(days=1)
        start = dt.date(after_end.year, 9, 1)
        if start <= w.year.ends_on:
            start = dt.date(after_end.year + 1, 9, 1)
    yield EndOfYear(
        world=w,
        class11a=class11a,
        class9a=class9a,
        graduate=graduate,
        graduate_debt=graduate_debt,
        graduate_missing=graduate_missing,
        ninth=ninth,
        after_end=after_end,
        next_starts_on=start,
        next_ends_on=dt.date(start.year + 1, 5, 31),
        next_title=f"{start.year}/{start.year + 1}",
    )


def _close(e: EndOfYear, persona: str = "director", **extra: Any) -> Any:
    payload = {
        "next_title": e.next_title,
        "next_starts_on": e.next_starts_on.isoformat(),
        "next_ends_on": e.next_ends_on.isoformat(),
        "order_number": "101-о",
        "order_date": e.after_end.isoformat(),
        **extra,
    }
    with mock.patch.object(timezone, "localdate", return_value=e.after_end):
        return e.world.client(persona).post(f"{B}{e.world.year.pk}/close/", payload, "json")


def test_check_lists_classes_pupils_and_subjects_without_year_marks_year1(
    end_of_year: EndOfYear,
) -> None:
    w = end_of_year.world
    response = w.client("deputy").get(f"{B}{w.year.pk}/check/")
    assert response.status_code == 200
    body = response.json()
    assert body["complete"] is False and body["closed"] is False
    incomplete = {p["pupil_id"]: (p["class_title"], p["missing"]) for p in body["incomplete"]}
    assert incomplete == {
        w.pupils[4].pk: ("5А", ["Математика"]),
        end_of_year.graduate_missing.pk: ("11А", ["Математика"]),
    }
    debtors = {p["pupil_id"]: p["debts"] for p in body["debtors"]}
    assert debtors == {
        w.pupils[2].pk: [{"subject": "Математика", "value": "2"}],
        w.pupils[3].pk: [{"subject": "Математика", "value": "н/а"}],
        end_of_year.graduate_debt.pk: [{"subject": "Математика", "value": "2"}],
    }
    classes = {
        c["title"]: (c["pupils"], c["missing_pupils"], c["debtors"]) for c in body["classes"]
    }
    assert classes["5А"] == (5, 1, 2)
    assert classes["1А"] == (2, 0, 0)  # taught without marks: nothing missing
    assert w.client("teacher").get(f"{B}{w.year.pk}/check/").status_code == 404


def test_closing_promotes_holds_back_graduates_and_creates_next_year_year1(
    end_of_year: EndOfYear,
) -> None:
    e, w = end_of_year, end_of_year.world
    response = _close(e)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["promoted"] == 6  # 5А ×2, 5Б, 9А, 1А ×2
    assert body["graduated"] == 1
    assert {p["pupil_id"] for p in body["conditional"]} == {w.pupils[2].pk, w.pupils[3].pk}
    assert {p["pupil_id"]: p["missing"] for p in body["held_back"]} == {
        w.pupils[4].pk: ["Математика"],
        e.graduate_missing.pk: ["Математика"],
        e.graduate_debt.pk: [],
    }
    with schema_context("school1"):
        new = AcademicYear.objects.get(pk=body["next_year_id"])
        assert (new.title, new.starts_on, new.is_current) == (
            e.next_title,
            e.next_starts_on,
            True,
        )
        assert not AcademicYear.objects.get(pk=w.year.pk).is_current
        assert ReportingPeriod.objects.filter(year=new).exists()
        classes = {c.title: c for c in ClassGroup.objects.filter(year=new)}
        # 5А → 6А, 5Б → 6Б, 1А → 2А, 9А → 10А; 5А and 11А again for those held back.
        assert set(classes) == {"6А", "6Б", "2А", "10А", "5А", "11А"}
        assert classes["6А"].class_teacher_id == staff(w.users["class_teacher"]).pk
        assert classes["6А"].pk in scope_for(w.users["class_teacher"]).class_ids
        where = dict(Pupil.objects.values_list("pk", "class_group__year_id"))
        now_in = {
            pk: title
            for pk, title in (
                (p.pk, p.class_group.title if p.class_group else None)
                for p in Pupil.objects.select_related("class_group")
            )
        }
        assert now_in[w.pupils[0].pk] == "6А"
        assert now_in[w.pupils[2].pk] == "6А"  # conditionally
        assert now_in[w.pupils[4].pk] == "5А" and where[w.pupils[4].pk] == new.pk
        assert now_in[w.other_pupil.pk] == "6Б"
        assert now_in[e.ninth.pk] == "10А"
        assert now_in[e.graduate.pk] is None
        assert now_in[e.graduate_debt.pk] == "11А" and where[e.graduate_debt.pk] == new.pk
        old = ClassMembership.objects.get(pupil=w.pupils[0], class_group=w.class5a)
        assert old.date_to == w.year.ends_on
        fresh = ClassMembership.objects.get(pupil=w.pupils[0], date_to__isnull=True)
        assert (fresh.class_group_id, fresh.date_from) == (classes["6А"].pk, e.next_starts_on)
        assert not ClassMembership.objects.filter(pupil=e.graduate, date_to__isnull=True).exists()
        outcomes = dict(PromotionDecision.objects.values_list("pupil_id", "outcome"))
        assert outcomes[e.graduate.pk] == "graduated"
        assert outcomes[w.pupils[3].pk] == "conditional"
        assert YearClosing.objects.get(year=w.year).next_year_id == new.pk
        # The department's rollup of the school refreshes after the close (issue #13).
        from outbox.models import OutboxMessage

        assert OutboxMessage.objects.filter(
            task="department.rollup_school", key=f"department.rollup:year-closed:{w.year.pk}"
        ).exists()
    listed = w.client("director").get(f"{B}{w.year.pk}/closing/").json()
    assert {d["pupil_id"]: d["class_to"] for d in listed["decisions"]}[e.graduate.pk] is None
    assert listed["order_number"] == "101-о"
    again = _close(e)
    assert again.status_code == 409
    assert "закрыт" in again.json()["detail"]


def test_grade_nine_graduates_where_the_school_says_year1(end_of_year: EndOfYear) -> None:
    e = end_of_year
    response = _close(e, graduating_grades=[9, 11])
    assert response.status_code == 201
    assert response.json()["graduated"] == 2
    with schema_context("school1"):
        e.ninth.refresh_from_db()
        assert e.ninth.class_group_id is None
        assert not ClassGroup.objects.filter(year_id=response.json()["next_year_id"], grade=10)


def test_closing_is_refused_before_the_year_ends_and_for_lesser_roles_year1(
    end_of_year: EndOfYear,
) -> None:
    e, w = end_of_year, end_of_year.world
    with schema_context("school1"):
        last_day = max(
            ReportingPeriod.objects.filter(year=w.year).values_list("ends_on", flat=True)
        )
    with clock.on(last_day - dt.timedelta(days=1)):  # the year is not over yet
        early = w.client("director").post(
            f"{B}{w.year.pk}/close/",
            {
                "next_title": e.next_title,
                "next_starts_on": e.next_starts_on.isoformat(),
                "next_ends_on": e.next_ends_on.isoformat(),
                "order_number": "101-о",
                "order_date": (last_day - dt.timedelta(days=1)).isoformat(),
            },
            "json",
        )
    assert early.status_code == 400
    assert early.json()["detail"].startswith(f"Учебный год {w.year.title} ещё не окончен")
    assert _close(e, "teacher").status_code == 404
    assert _close(e, "journal_admin").status_code == 404
    bad = _close(e, graduating_grades=[5])
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"graduating_grades": ["Выпускные классы — 9 и 11."]}
    no_order = _close(e, order_number="")
    assert no_order.status_code == 400 and "order_number" in no_order.json()["errors"]
    with schema_context("school1"):
        assert not YearClosing.objects.exists()
        assert not AcademicYear.objects.filter(title=e.next_title).exists()


def test_closed_year_refuses_writes_in_the_services_year1(end_of_year: EndOfYear) -> None:
    e, w = end_of_year, end_of_year.world
    assert _close(e).status_code == 201
    with schema_context("school1"), pytest.raises(YearClosedError) as err:
        reg.marks_save(
            lesson=w.lesson_today,
            marks=[reg.MarkInput(w.pupils[0].pk, 5, "oral")],
            by=w.users["teacher"],
        )
    assert err.value.status_code == 409
    assert err.value.message == (
        f"Учебный год {w.year.title} закрыт (приказ № 101-о): "
        "его записи доступны только для чтения."
    )


def test_diary_keeps_the_closed_years_marks_readable_dia6(end_of_year: EndOfYear) -> None:
    e, w = end_of_year, end_of_year.world
    assert _close(e).status_code == 201
    url = f"/api/v1/register/pupils/{w.pupils[0].pk}/year-marks/"
    current = w.client("parent").get(url).json()
    assert current["year"]["title"] == e.next_title and current["subjects"] == []
    assert [y["title"] for y in current["years"]] == [e.next_title, w.year.title]
    old = w.client("parent").get(f"{url}?year_id={w.year.pk}").json()
    assert [(s["subject"], s["year"]) for s in old["subjects"]] == [("Математика", "5")]
    assert w.client("other_parent").get(f"{url}?year_id={w.year.pk}").status_code == 404


# Writes that carry no school year: the school's lists of subjects, staff, parents and
# kinds of work, a new year, consent and parents' links, another school's transfer records.
NOT_YEAR_BOUND = {
    "subject-create",
    "staff-create",
    "guardian-create",
    "work-kind-save",
    "year-create",
    "consent-create",
    "guardian-link",
    "transfer-export",
    "transfer-import",
    # School orders (the regulation's and the schedule's) are the school's own documents,
    # not records of a year: the school still signs them after the year is closed.
    "regulation-order-create",
    "schedule-order-create",
    # Re-deriving periods writes the coming year (not the closed one); its guard on a
    # closed year is shown by test_rederiving_a_closed_years_periods_is_refused_year1.
    "year-periods-rederive",
    # Messages, announcements and notification settings (issue #16) are the school's
    # correspondence, not records of a school year: they go on after the year is closed.
    "messages-thread-start",
    "messages-thread-reply",
    "messages-thread-read",
    "messages-report",
    "messages-report-resolve",
    "announcement-create",
    "notification-preferences-set",
    "notification-push-subscribe",
    "notification-push-unsubscribe",
    # A report job reads the closed year's records (its paper copies are what the archive
    # keeps); it writes only its own files.
    "report-job-create",
}
WRITES = [e for e in ENDPOINTS if e.method == "post" and e.name not in NOT_YEAR_BOUND]


def _counts() -> tuple[int, ...]:
    return (
        Mark.objects.count(),
        Attendance.objects.count(),
        PeriodMark.objects.count(),
        Lesson.objects.count(),
        ClassGroup.objects.count(),
        ClassMembership.objects.count(),
    )


@pytest.mark.parametrize("endpoint", WRITES, ids=lambda e: e.name)
def test_closed_year_refuses_every_write_endpoint_year1(world: World, endpoint: Any) -> None:
    """Sweep: each write endpoint, called by a persona allowed to make it, answers 409 with
    the Russian message once the year is closed, and writes nothing."""
    persona = next(p for p in PERSONAS if p in endpoint.allowed)
    with schema_context("school1"):
        if endpoint.setup:
            endpoint.setup(world)
        YearClosing.objects.create(
            year=world.year,
            order_number="101-о",
            order_date=world.today,
            closed_by=world.users["director"],
        )
        before = _counts()
    response = endpoint.call(world.client(persona), world)
    assert response.status_code == 409, (persona, response.content[:300])
    assert "закрыт" in response.json()["detail"]
    with schema_context("school1"):
        assert _counts() == before


def test_rederiving_a_closed_years_periods_is_refused_year1(world: World) -> None:
    """Re-deriving the periods of a closed year answers 409 (the closed-year guard comes
    before the "already started" check) and changes none of its periods."""
    with schema_context("school1"):
        YearClosing.objects.create(
            year=world.year,
            order_number="101-о",
            order_date=world.today,
            closed_by=world.users["director"],
        )
        before = list(ReportingPeriod.objects.filter(year=world.year).values().order_by("pk"))
    response = world.client("director").post(
        f"/api/v1/structure/years/{world.year.pk}/periods/rederive/", format="json"
    )
    assert response.status_code == 409, response.content[:300]
    assert "закрыт" in response.json()["detail"]
    with schema_context("school1"):
        after = list(ReportingPeriod.objects.filter(year=world.year).values().order_by("pk"))
    assert after == before


def test_database_refuses_rows_of_a_closed_year_in_a_cloned_school_year1(world: World) -> None:
    """Defence in depth: PostgreSQL triggers (copied into every cloned school) refuse a
    mark, an attendance entry, a lesson or a period mark of a closed year written past
    the services; the open year's rows still go in."""
    from django.db import DatabaseError

    from journal.register.models import CLOSED_YEAR_MESSAGE, WorkKind

    with schema_context("school1"):
        kind = WorkKind.objects.get(code="oral")
        teacher = world.users["teacher"]
        Mark.objects.create(
            lesson=world.lesson_today,
            pupil=world.pupils[0],
            value=4,
            work_kind=kind,
            weight=1,
            entered_by=teacher,
        )
        YearClosing.objects.create(
            year=world.year,
            order_number="101-о",
            order_date=world.today,
            closed_by=world.users["director"],
        )
        writes = {
            "mark": lambda: Mark.objects.create(
                lesson=world.lesson_today,
                pupil=world.pupils[1],
                value=5,
                work_kind=kind,
                weight=1,
                entered_by=teacher,
            ),
            "attendance": lambda: Attendance.objects.create(
                lesson=world.lesson_today, pupil=world.pupils[1], code="Н", marked_by=teacher
            ),
            "lesson": lambda: Lesson.objects.create(
                assignment=world.math5a, date=world.today, slot=7
            ),
            "lesson topic": lambda: Lesson.objects.filter(pk=world.lesson_today.pk).update(
                topic="Задним числом"
            ),
            "period mark": lambda: PeriodMark.objects.create(
                pupil=world.pupils[1],
                assignment=world.math5a,
                kind="year",
                value="5",
                entered_by=teacher,
            ),
        }
        for write in writes.values():
            with (
                pytest.raises(DatabaseError, match=re.escape(CLOSED_YEAR_MESSAGE)),
                transaction.atomic(),
            ):
                write()
        other_year = AcademicYear.objects.create(
            title="2099/2100", starts_on=dt.date(2099, 9, 1), ends_on=dt.date(2100, 5, 31)
        )
        group = ClassGroup.objects.create(year=other_year, grade=5, letter="Я")
        from journal.structure.models import TeachingAssignment

        open_assignment = TeachingAssignment.objects.create(
            year=other_year,
            teacher=world.math5a.teacher,
            subject=world.math,
            class_group=group,
            weekly_hours=Decimal(1),
        )
        assert Lesson.objects.create(assignment=open_assignment, date=dt.date(2099, 9, 2), slot=1)


def test_check_queries_do_not_grow_with_the_school_year1(end_of_year: EndOfYear) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = end_of_year.world

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert w.client("deputy").get(f"{B}{w.year.pk}/check/").status_code == 200
        return len(ctx.captured_queries)

    count()
    small = count()
    with schema_context("school1"):
        group = structure.class_group_create(
            year=w.year, grade=7, letter="В", by=w.users["director"]
        )
        assignment = structure.teaching_assignment_create(
            teacher=staff(w.users["teacher"]),
            subject=w.russian,
            class_group=group,
            weekly_hours=Decimal(3),
            by=w.users["director"],
        )
        for i in range(8):
            pupil = roster.pupil_create(
                last_name=f"Семиклассник{i}",
                first_name="Глеб",
                class_group=group,
                enrolled_on=w.today - dt.timedelta(days=60),
                order_number=f"15-у/{i}",
                by=w.users["secretary"],
            )
            _year_mark(w, pupil, assignment, "4")
    assert count() == small
