"""Reads of the journal-keeping control (REP-2) for the director and deputies."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.http import Http404

from catalog.selectors import current_rules
from journal.access import scope_for
from journal.register.models import Attendance, Lesson, Mark
from journal.roster.models import ClassMembership
from journal.structure.models import SubgroupMember, TeachingAssignment


@dataclass
class ProblemLesson:
    lesson_id: int
    date: dt.date
    slot: int
    title: str  # class and subject
    problems: list[str]


@dataclass
class TeacherControl:
    teacher: str
    lessons: int = 0
    without_topic: int = 0
    without_homework: int = 0
    not_filled: int = 0
    pupils: int = 0
    pupils_no_marks: int = 0
    pupils_one_mark: int = 0
    problem_lessons: list[ProblemLesson] = field(default_factory=list)
    weak_assignments: list[tuple[int, str, int, int]] = field(default_factory=list)

    def percent(self, part: int) -> int:
        return round(100 * part / self.pupils) if self.pupils else 0

    @property
    def no_marks_pct(self) -> int:
        return self.percent(self.pupils_no_marks)

    @property
    def one_mark_pct(self) -> int:
        return self.percent(self.pupils_one_mark)

    @property
    def problems(self) -> int:
        return self.without_topic + self.without_homework + self.not_filled


def journal_control(*, for_user: Any, date_from: dt.date, date_to: dt.date) -> list[TeacherControl]:
    """REP-2: per teacher, lessons given in [date_from, date_to] without a topic, without
    homework, with nothing recorded (neither marks nor absences), and the share of pupils
    with no mark / one mark in the range. Director and deputies only; six queries.

    Lessons of grades taught without marks are not counted as missing homework (LES-3).
    """
    scope = scope_for(for_user)
    if not scope.whole_school:
        raise Http404
    rules = current_rules()
    no_marks_grades = set(rules.grades_without_marks)
    lessons = (
        Lesson.objects.filter(date__gte=date_from, date__lte=date_to)
        .annotate(
            has_marks=Exists(Mark.objects.filter(lesson_id=OuterRef("pk"))),
            has_absences=Exists(Attendance.objects.filter(lesson_id=OuterRef("pk"))),
        )
        .values_list(
            "id",
            "date",
            "slot",
            "topic",
            "homework",
            "has_marks",
            "has_absences",
            "assignment_id",
        )
        .order_by("date", "slot")
    )
    assignments = {
        a.pk: a
        for a in TeachingAssignment.objects.select_related(
            "teacher__user", "subject", "class_group", "subgroup"
        )
    }
    rows: dict[int, TeacherControl] = {}

    def row_for(assignment: TeachingAssignment) -> TeacherControl:
        teacher = assignment.teacher
        if teacher.pk not in rows:
            rows[teacher.pk] = TeacherControl(teacher.user.full_name or teacher.user.username)
        return rows[teacher.pk]

    given_by_assignment: set[int] = set()
    for lid, day, slot, topic, homework, has_marks, has_absences, aid in lessons:
        assignment = assignments[aid]
        given_by_assignment.add(aid)
        row = row_for(assignment)
        row.lessons += 1
        problems = []
        if not topic:
            row.without_topic += 1
            problems.append("нет темы")
        if not homework and assignment.class_group.grade not in no_marks_grades:
            row.without_homework += 1
            problems.append("нет домашнего задания")
        if not has_marks and not has_absences:
            row.not_filled += 1
            problems.append("нет отметок и посещаемости")
        if problems:
            row.problem_lessons.append(
                ProblemLesson(lid, day, slot, assignment_title(assignment), problems)
            )
    # Pupils without marks / with one mark per assignment given in the range.
    members: dict[int, set[int]] = defaultdict(set)
    # The lists as of the range's last day: a pupil who left before it is not "without marks".
    for class_id, pupil_id in ClassMembership.objects.on(date_to).values_list(
        "class_group_id", "pupil_id"
    ):
        members[class_id].add(pupil_id)
    subgroup_members: dict[int, set[int]] = defaultdict(set)
    for subgroup_id, pupil_id in SubgroupMember.objects.values_list("subgroup_id", "pupil_id"):
        subgroup_members[subgroup_id].add(pupil_id)
    counts = {
        (aid, pid): n
        for aid, pid, n in Mark.objects.filter(
            lesson__date__gte=date_from, lesson__date__lte=date_to
        )
        .values_list("lesson__assignment_id", "pupil_id")
        .annotate(n=Count("id"))
        .values_list("lesson__assignment_id", "pupil_id", "n")
    }
    for aid in sorted(given_by_assignment):
        assignment = assignments[aid]
        if assignment.class_group.grade in no_marks_grades:
            continue
        pupils = members.get(assignment.class_group_id, set())
        if assignment.subgroup_id:
            pupils = pupils & subgroup_members.get(assignment.subgroup_id, set())
        row = row_for(assignment)
        none = sum(1 for p in pupils if counts.get((aid, p), 0) == 0)
        one = sum(1 for p in pupils if counts.get((aid, p), 0) == 1)
        row.pupils += len(pupils)
        row.pupils_no_marks += none
        row.pupils_one_mark += one
        if none or one:
            row.weak_assignments.append((aid, assignment_title(assignment), none, one))
    return sorted(rows.values(), key=lambda r: (-r.problems, r.teacher))


def assignment_title(assignment: TeachingAssignment) -> str:
    group = (
        f" ({assignment.subgroup.title})" if assignment.subgroup_id and assignment.subgroup else ""
    )
    return f"{assignment.class_group.title}{group}, {assignment.subject.title}"
