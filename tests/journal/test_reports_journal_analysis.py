"""REP-2: the journal-keeping control (a month), the analysis of work with the class journal
(a period) and the participation of parents and pupils (a month), against the hand-built 5В
(tests/journal/reports_school.py) with these additions, every figure written by hand:

- mathematics' two lessons moved to one day D (slots 1, 2), a third lesson on D (slot 3)
  with neither topic nor homework;
- a late «4» for Борисов on the first lesson (`is_late_entry`);
- the КТП of mathematics: item 1 (2 h, planned on D, given: the first lesson is linked),
  item 2 (2 h, planned on D, not given), item 3 (2 h, planned after the period's end);
- on the month's last day 6 pupils are on the list (Жуков left for 5Б on day 15, D is day 20).

Marks counted on D: Алексеев 2, Григорьев 1 (a «2» corrected to «3» counts once),
Борисов 1 (late), the others none.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from journal.audit.models import AccessLog
from journal.identity.models import Participation
from journal.planning.models import ThematicPlan, ThematicPlanItem
from journal.register.models import Lesson, Mark, WorkKind
from journal.reports.selectors import report_list, report_run
from journal.roster import services as roster
from journal.structure import services as structure
from tests.journal.reports_school import ReportsSchool, build_reports_school, in_period_end
from tests.world import World, staff


@pytest.fixture
def school(world: World) -> Any:
    with in_period_end(world), schema_context("school1"):
        built = build_reports_school(world)
        first, second = built.lessons
        day = first.date
        Lesson.objects.filter(pk=second.pk).update(date=day, slot=2)
        math = built.assignments["Математика"]
        third = Lesson.objects.create(assignment=math, date=day, slot=3)
        built.lessons.append(third)
        oral = WorkKind.objects.get(code="oral")
        Mark.objects.create(
            lesson=first,
            pupil=built.pupils["Борисов"],
            value=4,
            work_kind=oral,
            weight=oral.weight,
            entered_by=world.users["teacher"],
            is_late_entry=True,
        )
        plan = ThematicPlan.objects.create(assignment=math, total_hours=6)
        items = [
            ThematicPlanItem.objects.create(
                plan=plan, position=i + 1, topic=f"Тема {i + 1}", hours=2, planned_on=on
            )
            for i, on in enumerate([day, day, built.period.ends_on + dt.timedelta(days=1)])
        ]
        Lesson.objects.filter(pk=first.pk).update(plan_item=items[0])
        yield built


def _rows(school: ReportsSchool, code: str, persona: str = "deputy", **data: Any) -> list[Any]:
    with schema_context("school1"):
        run = report_run(code=code, data=data, for_user=school.users[persona])
    assert run.table is not None, run.params_form.errors
    return run.table.text_rows()


def _month(school: ReportsSchool) -> str:
    return f"{school.lessons[0].date:%Y-%m}"


def test_rep2_forms_are_computed_not_listed_as_pending(school: ReportsSchool) -> None:
    with schema_context("school1"):
        entries = {e.code: e for e in report_list(for_user=school.users["deputy"])}
    for code in ("journal-keeping-control", "journal-keeping-analysis", "participation"):
        assert entries[code].available, code


def test_journal_keeping_control_for_a_month(school: ReportsSchool) -> None:
    """REP-2: one row per assignment; 5В mathematics' figures by hand."""
    rows = _rows(school, "journal-keeping-control", month=_month(school))
    math = next(r for r in rows if r[1] == "Математика" and r[2] == "5В")
    today = school.period.ends_on - dt.timedelta(days=1)
    assert math == [
        school.users["teacher"].full_name,
        "Математика",
        "5В",
        "3",  # lessons given on D
        "66,7",  # topics 2 of 3
        "66,7",  # homework 2 of 3
        "50,0",  # without marks: Васильев, Дмитриев, Егоров of 6
        "33,3",  # with one mark: Григорьев, Борисов of 6
        "1",  # Борисов's late «4»
        "75,0",  # 3 lessons given by the month's end / 4 planned hours (items 1 and 2)
        f"{today:%d.%m.%Y}",  # the lessons and marks were written on the clock's day
    ]
    # One row per assignment: 5В Russian is listed, with no lesson given in the month.
    russian = next(r for r in rows if r[1] == "Русский язык" and r[2] == "5В")
    assert russian[3] == "0"


def test_one_teacher_only_and_a_teacher_sees_their_own(school: ReportsSchool) -> None:
    teacher = staff(school.users["other_teacher"])
    rows = _rows(school, "journal-keeping-control", month=_month(school), teacher=teacher.pk)
    assert rows and {r[0] for r in rows} == {school.users["other_teacher"].full_name}
    own = _rows(school, "journal-keeping-control", persona="teacher", month=_month(school))
    assert own and {r[0] for r in own} == {school.users["teacher"].full_name}


def test_journal_keeping_analysis_for_the_period(school: ReportsSchool) -> None:
    rows = {
        r[1]: r
        for r in _rows(school, "journal-keeping-analysis", period=school.period.pk)
        if r[0] == "5В"
    }
    teacher = school.users["teacher"].full_name
    assert rows["Математика"] == [
        "5В",
        "Математика",
        teacher,
        "0,67",  # 4 counted marks / 6 pupils
        "нет",  # 3 weekly hours need 3 marks each: nobody has them
        "50,0",  # items 1 and 2 planned in the period, item 1 given
        "66,7",  # homework on 2 of 3 lessons
        "100,0",  # all 6 pupils have a period mark (Дмитриев's «н/а» is one)
        "уроков без темы: 1; без домашнего задания: 1; отметок позже срока: 1; "
        "мало отметок у обучающихся: 6",
    ]
    # Physical education: no lessons, Егоров without a period mark (5 of 6).
    pe = rows["Физическая культура"]
    assert pe[3:8] == ["0,00", "нет", "—", "—", "83,3"]
    assert pe[8] == "мало отметок у обучающихся: 6"


def test_participation_of_parents_and_pupils(school: ReportsSchool) -> None:
    """A pupil who signed in this month; a parent whose diary read is logged; a parent
    who did nothing. 5В: pupils 1 of 6, parents 1 of 2, one diary view."""
    now = timezone.now()
    with schema_context("school1"):
        secretary = school.users["secretary"]
        Participation.objects.create(
            user=school.pupils["Алексеев"].user, last_sign_in_at=now, last_method="temporary"
        )
        parents = []
        for pupil in ("Алексеев", "Борисов"):
            guardian = roster.guardian_create(
                last_name=f"{pupil}а", first_name="Мама", by=secretary
            )
            roster.guardian_link_create(
                guardian=guardian, pupil=school.pupils[pupil], relation="mother", by=secretary
            )
            parents.append(guardian)
        AccessLog.objects.create(
            user_id=parents[0].user_id,
            user_name="Алексеева",
            action="read",
            what="register.pupil_progress",
            pupil_ids=[school.pupils["Алексеев"].pk],
        )
    rows = {
        r[0]: r for r in _rows(school, "participation", month=f"{timezone.localdate(now):%Y-%m}")
    }
    assert rows["5В"] == ["5В", "16,7", "50,0", "1"]


def test_lesser_roles_and_other_school_get_404(
    school: ReportsSchool, school2_director: Any
) -> None:
    from django.http import Http404

    with schema_context("school1"):
        for persona in ("pupil", "parent"):
            with pytest.raises(Http404):
                report_run(
                    code="journal-keeping-control",
                    data={"month": _month(school)},
                    for_user=school.users[persona],
                )
        with pytest.raises(Http404):  # participation: the heads and class teachers only
            report_run(
                code="participation",
                data={"month": _month(school)},
                for_user=school.users["teacher"],
            )
    with schema_context("school2"), pytest.raises(Http404):
        report_run(
            code="journal-keeping-analysis",
            data={"period": school.period.pk},
            for_user=school2_director,
        )


def _count(school: ReportsSchool, code: str, **data: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        run = report_run(code=code, data=data, for_user=school.users["deputy"])
        assert run.table is not None and run.table.rows
    return len(ctx.captured_queries)


def test_rep2_query_counts_are_the_same_for_small_and_large(school: ReportsSchool) -> None:
    world = school.world
    forms = {
        "journal-keeping-control": {"month": _month(school)},
        "journal-keeping-analysis": {"period": school.period.pk},
        "participation": {"month": _month(school)},
    }
    with schema_context("school1"):
        for code, data in forms.items():  # warm the caches (the adopted rules) first
            _count(school, code, **data)
        small = {code: _count(school, code, **data) for code, data in forms.items()}
        boss = world.users["director"]
        for i in range(6):
            group = structure.class_group_create(
                year=world.year, grade=6 + i % 3, letter="АБ"[i // 3], by=boss
            )
            assignment = structure.teaching_assignment_create(
                teacher=staff(world.users["teacher"]),
                subject=world.math,
                class_group=group,
                weekly_hours=Decimal(4),
                by=boss,
            )
            lesson = Lesson.objects.create(
                assignment=assignment, date=school.lessons[0].date, slot=1, topic="Т"
            )
            for j in range(5):
                pupil = roster.pupil_create(
                    last_name=f"Рост{i}{j}",
                    first_name="Ян",
                    class_group=group,
                    enrolled_on=school.period.starts_on,
                    order_number=f"r-{i}-{j}",
                    by=world.users["secretary"],
                )
                oral = WorkKind.objects.get(code="oral")
                Mark.objects.create(
                    lesson=lesson,
                    pupil=pupil,
                    value=5,
                    work_kind=oral,
                    weight=oral.weight,
                    entered_by=world.users["teacher"],
                )
        large = {code: _count(school, code, **data) for code, data in forms.items()}
    assert small == large
    assert max(small.values()) <= 16, small
