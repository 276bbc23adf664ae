"""A hand-built class for the report tests (issue #12): 5В with three subjects over the
world's period, whose expected figures the tests write down by hand.

Pupils (on the list from the period's first day unless said):

| pupil | Математика | Русский язык | Физкультура |
| --- | --- | --- | --- |
| Алексеев | 5 | 5 | 5 |
| Борисов | 4 | 4 | осв (exempt) |
| Васильев | 3 | 4 | 5 |
| Григорьев | 2 | 3 | 4 |
| Дмитриев | н/а | 3 | 4 |
| Егоров, arrived on day 10 | 4 | 5 | (no mark) |
| Жуков, moved to 5Б on day 15 | 3 | 3 | 3 |

Lesson marks of mathematics: Алексеев «5» (weight 1) and «4» (weight 3, a test);
Григорьев «2» corrected to «3» by the deputy (reason «ошибка»), absent «Б» on the first lesson;
Васильев «Н» on the second.

Built with the clock on the period's last day but one, so that every date used lies in
the past whatever day the run is on (`make test-dates`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accounts.models import User
from journal.register import services as reg
from journal.register.models import Attendance, Lesson, Mark, PeriodMark, WorkKind
from journal.roster import services as roster
from journal.roster.models import Pupil
from journal.structure import services as structure
from tests import clock
from tests.catalog.adopt import adopt_rules
from tests.world import World, staff

NAMES = ["Алексеев", "Борисов", "Васильев", "Григорьев", "Дмитриев", "Егоров", "Жуков"]
MARKS: dict[str, list[str | None]] = {
    "Математика": ["5", "4", "3", "2", "н/а", "4", "3"],
    "Русский язык": ["5", "4", "4", "3", "3", "5", "3"],
    "Физическая культура": ["5", "осв", "5", "4", "4", None, "3"],
}


@dataclass
class ReportsSchool:
    world: World
    class_group: Any
    period: Any
    pupils: dict[str, Pupil]
    assignments: dict[str, Any]
    lessons: list[Lesson] = field(default_factory=list)

    @property
    def users(self) -> dict[str, User]:
        return self.world.users


def in_period_end(world: World) -> Any:
    return clock.on(world.period.ends_on - dt.timedelta(days=1))


def build_reports_school(world: World, *, extra_pupils: int = 0) -> ReportsSchool:
    """Call inside school1's schema and inside `in_period_end(world)`."""
    boss = world.users["director"]
    period = world.period
    start = period.starts_on
    cls = structure.class_group_create(
        year=world.year,
        grade=5,
        letter="В",
        class_teacher=staff(world.users["class_teacher"]),
        by=boss,
    )
    teachers = {
        "Математика": world.users["teacher"],
        "Русский язык": world.users["other_teacher"],
        "Физическая культура": world.users["substitute"],
    }
    subjects = {
        "Математика": world.math,
        "Русский язык": world.russian,
        "Физическая культура": world.pe,
    }
    assignments = {
        title: structure.teaching_assignment_create(
            teacher=staff(teachers[title]),
            subject=subjects[title],
            class_group=cls,
            weekly_hours=Decimal(3),
            by=boss,
        )
        for title in MARKS
    }
    pupils: dict[str, Pupil] = {}
    names = NAMES + [f"Яковлев{i:02d}" for i in range(extra_pupils)]
    for i, name in enumerate(names):
        pupils[name] = roster.pupil_create(
            last_name=name,
            first_name="Иван",
            class_group=cls,
            enrolled_on=start + dt.timedelta(days=10) if name == "Егоров" else start,
            order_number=f"5в/{i}",
            by=world.users["secretary"],
        )
    roster.pupil_move(
        pupil=pupils["Жуков"],
        kind="moved",
        on_date=start + dt.timedelta(days=15),
        order_number="5в/move",
        class_to=world.class5b,
        by=world.users["secretary"],
    )
    for title, values in MARKS.items():
        for name, value in zip(names, [*values, *["4"] * extra_pupils], strict=True):
            if value is not None:
                PeriodMark.objects.create(
                    pupil=pupils[name],
                    assignment=assignments[title],
                    period=period,
                    kind="period",
                    value=value,
                    entered_by=teachers[title],
                )
    math = assignments["Математика"]
    first = Lesson.objects.create(
        assignment=math,
        date=start + dt.timedelta(days=20),
        slot=1,
        topic="Дроби",
        homework="№ 12, 14",
    )
    second = Lesson.objects.create(
        assignment=math,
        date=start + dt.timedelta(days=21),
        slot=1,
        topic="Сложение дробей",
        work_topic="Контрольная работа № 1",
        homework="№ 20",
    )
    oral, test = WorkKind.objects.get(code="oral"), WorkKind.objects.get(code="test")
    teacher = world.users["teacher"]
    Mark.objects.create(
        lesson=first,
        pupil=pupils["Алексеев"],
        value=5,
        work_kind=oral,
        weight=oral.weight,
        entered_by=teacher,
    )
    Mark.objects.create(
        lesson=second,
        pupil=pupils["Алексеев"],
        value=4,
        work_kind=test,
        weight=test.weight,
        entered_by=teacher,
    )
    wrong = Mark.objects.create(
        lesson=second,
        pupil=pupils["Григорьев"],
        value=2,
        work_kind=oral,
        weight=oral.weight,
        entered_by=teacher,
    )
    Attendance.objects.create(lesson=first, pupil=pupils["Григорьев"], code="Б", marked_by=teacher)
    Attendance.objects.create(lesson=second, pupil=pupils["Васильев"], code="Н", marked_by=teacher)
    adopt_rules("school1", correction={"allowed": True})
    reg.mark_correct(mark=wrong, new_value=3, reason="ошибка", by=world.users["deputy"])
    return ReportsSchool(world, cls, period, pupils, assignments, [first, second])
