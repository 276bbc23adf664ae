"""A school's aggregates for the department (STAT-1, REP-2, DIA-4), in the school's schema.

The period figures are the class results' (REP-1): the same pupils counted (the class
list on the period's last day, a split subject's subgroups), the same values, tallied by
`journal.reports.definitions.tally` -- summed over the grade's classes. What leaves this
function is counts only: no pupil id, name or anything else of a pupil.

Month figures per grade: pupil-lessons (each lesson × the pupils on its class list, or
its subgroup's, that day), absences by code Б/У/Н/О, lessons with a topic, with homework,
with at least one mark; pupils and parents who signed in since the month began (the
participation record keeps the last sign-in only, DIA-4).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from department.school_side import RULES_VERSION, MonthFigures, PeriodFigures, SchoolFigures
from django.utils import timezone

from accounts import roles
from journal.access import Scope
from journal.register.models import Attendance, Lesson, Mark, PeriodMark
from journal.reports import definitions as d
from journal.reports.sources import class_pupils, class_subjects, on_day, subgroup_members
from journal.roster.models import ClassMembership, GuardianLink
from journal.structure.models import AcademicYear, ClassGroup, ReportingPeriod, SubgroupMember

TALLY_FIELDS = ("pupils", "n5", "n4", "n3", "n2", "not_attested", "exempt", "passed", "not_passed")
# The whole school's view (the deputy's): every class, every subject.
WHOLE_SCHOOL = Scope(user_id=None, roles=frozenset({roles.DEPUTY}))


def period_key(period: ReportingPeriod) -> str:
    """The same period in every school: the year's title, the kind, the number."""
    return f"{period.year.title}:{period.kind}:{period.number}"


def period_figures(period: ReportingPeriod) -> list[PeriodFigures]:
    """Per grade × subject: the class results of the period summed over the grade's classes."""
    from journal.register.services import period_marks_close_on

    sums: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    classes = ClassGroup.objects.filter(
        year_id=period.year_id, grade__gte=period.grade_from, grade__lte=period.grade_to
    ).order_by("grade", "letter")
    for cls in classes:
        subjects = class_subjects(cls, WHOLE_SCHOOL)
        if not subjects:
            continue
        ids = [
            p.id
            for p in on_day(class_pupils(cls, period.starts_on, period.ends_on), period.ends_on)
        ]
        groups = subgroup_members(cls)
        assignment_subject = {a: s.subject_id for s in subjects for a in s.assignment_ids}
        given: dict[tuple[int, int], str] = {}
        for pid, assignment_id, value in PeriodMark.objects.filter(
            assignment_id__in=list(assignment_subject), kind=PeriodMark.Kind.PERIOD, period=period
        ).values_list("pupil_id", "assignment_id", "value"):
            given[(pid, assignment_subject[assignment_id])] = value
        for s in subjects:
            members = list(s.pupils(ids, groups))
            t = d.tally(given.get((pid, s.subject_id)) for pid in members)
            if t.pupils:
                sums[(cls.grade, s.title)].update({f: getattr(t, f) for f in TALLY_FIELDS})
                sums[(cls.grade, s.title)]["missing"] += sum(
                    1 for pid in members if (pid, s.subject_id) not in given
                )
    close_on = period_marks_close_on(period)
    key = period_key(period)
    return [
        PeriodFigures(
            period_key=key,
            period_title=period.title,
            period_starts_on=period.starts_on,
            period_ends_on=period.ends_on,
            grade=grade,
            subject=subject,
            **{f: counts[f] for f in TALLY_FIELDS},
            missing=counts["missing"],
            marks_close_on=close_on,
        )
        for (grade, subject), counts in sorted(sums.items())
    ]


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def month_figures(year: AcademicYear, today: dt.date) -> list[MonthFigures]:
    """Per grade × month of the year up to today: attendance, journal keeping, participation."""
    from journal.identity.models import Participation

    end = min(year.ends_on, today)
    if end < year.starts_on:
        return []
    class_grade = dict(ClassGroup.objects.filter(year=year).values_list("id", "grade"))
    stays: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for pid, cls_id, start, stop in (
        ClassMembership.objects.overlapping(year.starts_on, end)
        .filter(class_group_id__in=list(class_grade))
        .values_list("pupil_id", "class_group_id", "date_from", "date_to")
    ):
        stays[cls_id].append((pid, start, stop))
    subgroup: dict[int, set[int]] = defaultdict(set)
    for sg, pid in SubgroupMember.objects.filter(class_group_id__in=list(class_grade)).values_list(
        "subgroup_id", "pupil_id"
    ):
        subgroup[sg].add(pid)
    with_marks = set(
        Mark.objects.filter(lesson__date__gte=year.starts_on, lesson__date__lte=end)
        .values_list("lesson_id", flat=True)
        .distinct()
    )
    rows: dict[tuple[dt.date, int], Counter[str]] = defaultdict(Counter)
    for lesson_id, cls_id, sg, day, topic, homework in Lesson.objects.filter(
        assignment__class_group_id__in=list(class_grade), date__gte=year.starts_on, date__lte=end
    ).values_list(
        "id", "assignment__class_group_id", "assignment__subgroup_id", "date", "topic", "homework"
    ):
        c = rows[(day.replace(day=1), class_grade[cls_id])]
        c["lessons"] += 1
        c["lessons_with_topic"] += bool(topic.strip())
        c["lessons_with_homework"] += bool(homework.strip())
        c["lessons_with_marks"] += lesson_id in with_marks
        c["pupil_lessons"] += sum(
            1
            for pid, start, stop in stays[cls_id]
            if start <= day
            and (stop is None or stop >= day)
            and (sg is None or pid in subgroup[sg])
        )
    keys = {"Б": "ill", "У": "excused", "Н": "unexcused", "О": "late"}
    for cls_id, day, code in Attendance.objects.filter(
        lesson__assignment__class_group_id__in=list(class_grade),
        lesson__date__gte=year.starts_on,
        lesson__date__lte=end,
    ).values_list("lesson__assignment__class_group_id", "lesson__date", "code"):
        if code in keys:
            rows[(day.replace(day=1), class_grade[cls_id])][keys[code]] += 1
    signed_in = dict(Participation.objects.values_list("user_id", "last_sign_in_at"))
    pupil_user: dict[int, int] = {}
    parents: dict[int, set[int]] = defaultdict(set)
    for pid, pupil_user_id, parent_user_id in GuardianLink.objects.filter(
        pupil_id__in={pid for s in stays.values() for pid, _a, _b in s}
    ).values_list("pupil_id", "pupil__user_id", "guardian__user_id"):
        pupil_user[pid] = pupil_user_id
        parents[pid].add(parent_user_id)
    from journal.roster.models import Pupil

    pupil_user.update(
        Pupil.objects.filter(pk__in={pid for s in stays.values() for pid, _a, _b in s}).values_list(
            "id", "user_id"
        )
    )
    tz = timezone.get_current_timezone()
    for month in _months(year.starts_on, end):
        last = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        since = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
        per_grade: dict[int, set[int]] = defaultdict(set)
        for cls_id, members in stays.items():
            for pid, start, stop in members:
                if start <= last and (stop is None or stop >= month):
                    per_grade[class_grade[cls_id]].add(pid)
        for grade, pids in per_grade.items():
            c = rows[(month, grade)]
            c["pupils"] = len(pids)
            c["pupils_signed_in"] = sum(
                1 for p in pids if (at := signed_in.get(pupil_user.get(p, 0))) and at >= since
            )
            grade_parents = set().union(*(parents[p] for p in pids))
            c["parents"] = len(grade_parents)
            c["parents_signed_in"] = sum(
                1 for u in grade_parents if (at := signed_in.get(u)) and at >= since
            )
    fields = [f for f in MonthFigures.__dataclass_fields__ if f not in ("month", "grade")]
    return [
        MonthFigures(month=month, grade=grade, **{f: counts[f] for f in fields})
        for (month, grade), counts in sorted(rows.items())
        if counts["pupils"] or counts["lessons"]
    ]


def school_figures() -> SchoolFigures:
    """Every ended period (period marks are given at its end) and every started month of
    the school's years: counts only."""
    today = timezone.localdate()
    periods = ReportingPeriod.objects.filter(ends_on__lt=today).select_related("year")
    months: list[MonthFigures] = []
    for year in AcademicYear.objects.filter(starts_on__lte=today):
        months += month_figures(year, today)
    return SchoolFigures(
        rules_version=RULES_VERSION,
        periods=[row for p in periods.order_by("starts_on") for row in period_figures(p)],
        months=months,
    )
