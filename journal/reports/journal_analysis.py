"""REP-2: the control of journal keeping, as the central forms define it (000 §3.10–3.11,
002 п.3.5, п.5, 003 §3.7, 004 §5.9):

- «Контроль ведения электронного журнала» (journal-keeping-control): per teacher's
  assignment (teacher × subject × class) for a month, optionally one teacher;
- «Анализ работы с классным журналом» (journal-keeping-analysis): per class × subject for a
  reporting period;
- «Участие родителей и обучающихся» (participation): per class for a month.

Definitions (percentages: `definitions.percent`, one decimal half up; «—» with nothing to
count):

- **Lessons given**: the assignment's lessons dated in the range.
- **Topics recorded, %** / **homework recorded, %**: of those lessons, the share with a
  topic / with homework. Grades taught without marks (`grades_without_marks`, LES-3) set no
  homework: «—».
- **Pupils without marks, %** / **with one mark, %**: of the assignment's pupils on the list
  on the range's last day (a split subject: its subgroup), the share with no / exactly one
  lesson mark in the range. A corrected mark counts once with its new value; an annulled
  one does not count. Grades without marks: «—».
- **Late entries**: marks in the range entered after the lesson's day (`is_late_entry`).
- **Plan coverage (Выполнение КТП), %**: lessons given from the year's start to the range's
  last day / hours of the thematic plan's items planned up to that day.
- **Topics against the КТП, %**: of the plan's items planned inside the range, the share
  whose lesson was given (a lesson linked to the item, dated up to the range's last day).
- **Marks per pupil**: the range's counted marks / the assignment's pupils, two decimals.
- **Accumulation sufficient**: every pupil has at least `min_marks_per_weekly_hour` ×
  weekly hours (rounded up) counted marks in the period (MRK-6).
- **Period marks given, %**: the share of the pupils with a period mark of the period.
- **Participation**: a pupil or parent is *active* in the month if they signed in during it
  (their last sign-in, `identity.Participation`) or the access log records a read of theirs
  in it; *diary views* are the access log's reads by the class's pupils and parents in the
  month. Parents: the guardians linked to the class's pupils on the month's last day.

Who sees which rows (ROLE-1): the director and deputies every assignment; a class teacher
their classes' assignments and their own; a teacher their own. Participation: the heads and
the class teacher of the class. A fixed number of queries whatever the school's size.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from catalog.selectors import current_rules
from journal.access import Scope
from journal.audit.models import AccessLog
from journal.identity.models import Participation
from journal.planning.models import ThematicPlanItem
from journal.register.models import Lesson, Mark, MarkCorrection, PeriodMark
from journal.reports import definitions as d
from journal.reports.layout import Result
from journal.reports.params import Params
from journal.reports.sources import latest
from journal.roster.models import ClassMembership, GuardianLink
from journal.structure.models import ClassGroup, SubgroupMember, TeachingAssignment


def month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last)


@dataclass
class Figures:
    assignment: TeachingAssignment
    lessons: int = 0
    with_topic: int = 0
    with_homework: int = 0
    pupils: set[int] = field(default_factory=set)
    marks: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    late: int = 0
    given_to_end: int = 0
    planned_to_end: int = 0
    items_in_range: int = 0
    items_given: int = 0
    period_marked: set[int] = field(default_factory=set)
    last_activity: dt.datetime | None = None
    no_marks_grade: bool = False
    required: int = 0  # marks per pupil for sufficient accumulation

    def pct(self, part: int, whole: int) -> Decimal | None:
        return d.percent(part, whole)

    @property
    def without_marks(self) -> int:
        return sum(1 for p in self.pupils if self.marks.get(p, 0) == 0)

    @property
    def one_mark(self) -> int:
        return sum(1 for p in self.pupils if self.marks.get(p, 0) == 1)


def _visible_assignments(scope: Scope) -> Q:
    if scope.whole_school:
        return Q()
    if not scope.is_staff or scope.is_pupil:
        raise Http404
    return Q(pk__in=scope.assignment_ids) | Q(class_group_id__in=scope.class_ids)


def _figures(
    *,
    scope: Scope,
    year_id: int,
    start: dt.date,
    end: dt.date,
    teacher_id: int | None = None,
    period_id: int | None = None,
    grades: tuple[int, int] | None = None,
) -> list[Figures]:
    """The figures of every visible assignment of the year: nine queries."""
    qs = TeachingAssignment.objects.filter(
        _visible_assignments(scope), class_group__year_id=year_id
    ).select_related("teacher__user", "subject", "class_group", "subgroup")
    if teacher_id is not None:
        qs = qs.filter(teacher_id=teacher_id)
    if grades is not None:
        qs = qs.filter(class_group__grade__gte=grades[0], class_group__grade__lte=grades[1])
    rules = current_rules()
    no_marks = set(rules.grades_without_marks)
    rows = {
        a.pk: Figures(
            a,
            no_marks_grade=a.class_group.grade in no_marks,
            required=math.ceil(rules.min_marks_per_weekly_hour * float(a.weekly_hours)),
        )
        for a in qs.order_by("class_group__grade", "class_group__letter", "subject__title", "id")
    }
    ids = list(rows)
    for aid, day, topic, homework, updated in Lesson.objects.filter(
        assignment_id__in=ids, date__lte=end
    ).values_list("assignment_id", "date", "topic", "homework", "updated_at"):
        f = rows[aid]
        f.given_to_end += 1
        if day >= start:
            f.lessons += 1
            f.with_topic += bool(topic.strip())
            f.with_homework += bool(homework.strip())
            f.last_activity = latest([f.last_activity, updated])
    for aid, planned_on, hours, given in _plan_items(ids, end):
        f = rows[aid]
        f.planned_to_end += hours
        if planned_on >= start:
            f.items_in_range += 1
            f.items_given += bool(given)
    members: dict[int, set[int]] = defaultdict(set)
    for class_id, pupil_id in (
        ClassMembership.objects.on(end)
        .filter(class_group_id__in={f.assignment.class_group_id for f in rows.values()})
        .values_list("class_group_id", "pupil_id")
    ):
        members[class_id].add(pupil_id)
    subgroups: dict[int, set[int]] = defaultdict(set)
    for subgroup_id, pupil_id in SubgroupMember.objects.filter(
        subgroup__assignments__in=ids
    ).values_list("subgroup_id", "pupil_id"):
        subgroups[subgroup_id].add(pupil_id)
    for f in rows.values():
        a = f.assignment
        f.pupils = set(members.get(a.class_group_id, set()))
        if a.subgroup_id:
            f.pupils &= subgroups.get(a.subgroup_id, set())
    in_range = {
        "lesson__assignment_id__in": ids,
        "lesson__date__gte": start,
        "lesson__date__lte": end,
    }
    last_value: dict[int, int | None] = {}
    for mark_id, new_value in (
        MarkCorrection.objects.filter(**{f"mark__{k}": v for k, v in in_range.items()})
        .order_by("corrected_at", "id")
        .values_list("mark_id", "new_value")
    ):
        last_value[mark_id] = new_value
    for mark_id, aid, pid, late, at in Mark.objects.filter(**in_range).values_list(
        "id", "lesson__assignment_id", "pupil_id", "is_late_entry", "entered_at"
    ):
        f = rows[aid]
        f.late += late
        f.last_activity = latest([f.last_activity, at])
        if mark_id in last_value and last_value[mark_id] is None:
            continue  # annulled
        f.marks[pid] += 1
    if period_id is not None:
        for aid, pid in PeriodMark.objects.filter(
            assignment_id__in=ids, period_id=period_id, kind=PeriodMark.Kind.PERIOD
        ).values_list("assignment_id", "pupil_id"):
            rows[aid].period_marked.add(pid)
    return list(rows.values())


def _plan_items(ids: list[int], end: dt.date) -> list[tuple[int, dt.date, int, bool]]:
    """(assignment, planned on, hours, given by `end`) of the plans' items planned by `end`."""
    given = set(
        Lesson.objects.filter(
            assignment_id__in=ids, date__lte=end, plan_item__isnull=False
        ).values_list("plan_item_id", flat=True)
    )
    return [
        (aid, planned_on, hours, pk in given)
        for pk, aid, planned_on, hours in ThematicPlanItem.objects.filter(
            plan__assignment_id__in=ids, planned_on__lte=end
        ).values_list("pk", "plan__assignment_id", "planned_on", "hours")
        if planned_on is not None  # the filter leaves none out; for the type checker
    ]


def _class_title(a: TeachingAssignment) -> str:
    group = f" ({a.subgroup.title})" if a.subgroup_id and a.subgroup else ""
    return f"{a.class_group.title}{group}"


def journal_keeping_control(params: Params, scope: Scope) -> Result:
    """«Контроль ведения электронного журнала» for a month (optionally one teacher)."""
    if params.month is None or params.year is None:
        raise ValueError("parameter month is required")
    start, end = month_range(params.month)
    teacher_id = params.teacher.pk if params.teacher else None
    figures = _figures(
        scope=scope, year_id=params.year.pk, start=start, end=end, teacher_id=teacher_id
    )
    rows = []
    pupils: set[int] = set()
    for f in figures:
        a = f.assignment
        pupils |= f.pupils
        rows.append(
            {
                "teacher": a.teacher.user.full_name,
                "subject": a.subject.title,
                "class_group": _class_title(a),
                "lessons_given": f.lessons,
                "topics_recorded": f.pct(f.with_topic, f.lessons),
                "homework_recorded": None
                if f.no_marks_grade
                else f.pct(f.with_homework, f.lessons),
                "pupils_without_marks": None
                if f.no_marks_grade
                else f.pct(f.without_marks, len(f.pupils)),
                "pupils_one_mark": None if f.no_marks_grade else f.pct(f.one_mark, len(f.pupils)),
                "late_entries": f.late,
                "plan_coverage": f.pct(f.given_to_end, f.planned_to_end),
                "last_activity": timezone.localtime(f.last_activity).date()
                if f.last_activity
                else None,
            }
        )
    rows.sort(key=lambda r: (r["teacher"], r["class_group"], r["subject"]))
    return Result(
        rows=rows,
        caption=[f"С {start:%d.%m.%Y} по {end:%d.%m.%Y}"],
        pupil_ids=sorted(pupils),
        data_at=latest(f.last_activity for f in figures),
    )


def journal_keeping_analysis(params: Params, scope: Scope) -> Result:
    """«Анализ работы с классным журналом» for a reporting period, class × subject."""
    period = params.period
    if period is None:
        raise ValueError("parameter period is required")
    figures = _figures(
        scope=scope,
        year_id=period.year_id,
        start=period.starts_on,
        end=period.ends_on,
        period_id=period.pk,
        grades=(period.grade_from, period.grade_to),
    )
    rows = []
    pupils: set[int] = set()
    for f in figures:
        a = f.assignment
        pupils |= f.pupils
        counted = sum(f.marks.get(p, 0) for p in f.pupils)
        remarks = []
        if f.lessons - f.with_topic:
            remarks.append(f"уроков без темы: {f.lessons - f.with_topic}")
        if not f.no_marks_grade and f.lessons - f.with_homework:
            remarks.append(f"без домашнего задания: {f.lessons - f.with_homework}")
        if f.late:
            remarks.append(f"отметок позже срока: {f.late}")
        short = [p for p in f.pupils if f.marks.get(p, 0) < f.required]
        if not f.no_marks_grade and short:
            remarks.append(f"мало отметок у обучающихся: {len(short)}")
        rows.append(
            {
                "class_group": _class_title(a),
                "subject": a.subject.title,
                "teacher": a.teacher.user.full_name,
                "marks_per_pupil": None
                if f.no_marks_grade or not f.pupils
                else d.rounded(Fraction(counted, len(f.pupils)), d.TWO_PLACES),
                "accumulation_ok": None if f.no_marks_grade or not f.pupils else not short,
                "topics_vs_plan": f.pct(f.items_given, f.items_in_range),
                "homework_recorded": None
                if f.no_marks_grade
                else f.pct(f.with_homework, f.lessons),
                "period_marks_given": None
                if f.no_marks_grade
                else f.pct(len(f.period_marked & f.pupils), len(f.pupils)),
                "remarks": "; ".join(remarks),
            }
        )
    return Result(
        rows=rows,
        caption=[
            f"{period.title} ({period.grade_from}–{period.grade_to} кл.): "
            f"{period.starts_on:%d.%m.%Y} – {period.ends_on:%d.%m.%Y}"
        ],
        pupil_ids=sorted(pupils),
        data_at=latest(f.last_activity for f in figures),
    )


def participation(params: Params, scope: Scope) -> Result:
    """«Участие родителей и обучающихся» for a month, per class: five queries."""
    if params.month is None or params.year is None:
        raise ValueError("parameter month is required")
    if not (scope.whole_school or scope.class_ids) or scope.is_pupil:
        raise Http404
    start, end = month_range(params.month)
    classes = ClassGroup.objects.filter(year=params.year)
    if not scope.whole_school:
        classes = classes.filter(pk__in=scope.class_ids)
    classes_list = list(classes.order_by("grade", "letter"))
    pupil_class: dict[int, int] = {}
    pupil_user: dict[int, int] = {}
    for pid, cid, uid in (
        ClassMembership.objects.on(end)
        .filter(class_group__in=classes_list)
        .values_list("pupil_id", "class_group_id", "pupil__user_id")
    ):
        pupil_class[pid] = cid
        pupil_user[pid] = uid
    parents: dict[int, set[int]] = defaultdict(set)  # class -> parent users
    for pid, uid in GuardianLink.objects.filter(pupil_id__in=list(pupil_class)).values_list(
        "pupil_id", "guardian__user_id"
    ):
        parents[pupil_class[pid]].add(uid)
    users = set(pupil_user.values()).union(*parents.values())
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    active = set(
        Participation.objects.filter(
            user_id__in=users, last_sign_in_at__gte=lo, last_sign_in_at__lt=hi
        ).values_list("user_id", flat=True)
    )
    views: dict[int, int] = defaultdict(int)
    for uid in AccessLog.objects.filter(
        user_id__in=users, action=AccessLog.Action.READ, at__gte=lo, at__lt=hi
    ).values_list("user_id", flat=True):
        views[uid] += 1
        active.add(uid)
    rows = []
    for cls in classes_list:
        own = [u for p, u in pupil_user.items() if pupil_class[p] == cls.pk]
        guardians = parents.get(cls.pk, set())
        rows.append(
            {
                "class_group": cls.title,
                "pupils_active": d.percent(sum(1 for u in own if u in active), len(own)),
                "parents_active": d.percent(
                    sum(1 for u in guardians if u in active), len(guardians)
                ),
                "diary_views": sum(views[u] for u in [*own, *guardians]),
            }
        )
    return Result(
        rows=rows,
        caption=[f"С {start:%d.%m.%Y} по {end:%d.%m.%Y}"],
        pupil_ids=sorted(pupil_class),
    )
