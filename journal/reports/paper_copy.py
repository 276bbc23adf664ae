"""REP-3: the paper copy of a class's journal for a period (002 §4, 001 §3.1, 000 §2.2).

Per subject: pupils × lessons with marks and absences (the lesson's columns split into
sheets of `LESSONS_PER_SHEET`), the weighted average and the period mark; the lessons'
dates, topics and homework. A final page: pupils × subjects with the period (and year)
marks and the missed lessons, the director's signature and the place for the seal. A
corrected mark shows its value after the correction with «*», and the correction is listed
under the grid (who, when, from what, why: MRK-2). A4 landscape, header rows repeated on
every sheet, «лист N из M». A fixed number of queries for any class size.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.template.loader import render_to_string

from journal.access import scope_for
from journal.audit.services import access_log
from journal.register import grading
from journal.register.models import Attendance, Lesson, Mark, MarkCorrection, PeriodMark
from journal.reports import definitions as d
from journal.reports.params import Params, ParamsForm
from journal.reports.registry import PAPER_COPY
from journal.reports.render import data_moment, font_faces, pdf_from_html
from journal.reports.sources import (
    class_pupils,
    class_subjects,
    latest,
    pupil_note,
    subgroup_members,
)

LESSONS_PER_SHEET = 24


@dataclass
class LessonColumn:
    id: int
    date: dt.date
    topic: str
    homework: str


@dataclass
class GridRow:
    number: int
    name: str
    cells: list[str]
    average: Decimal | None = None
    period_mark: str = ""


@dataclass
class Section:
    subject: str
    teachers: str
    sheets: list[tuple[list[LessonColumn], list[GridRow]]]
    lessons: list[LessonColumn]
    corrections: list[str]


@dataclass
class PaperCopy:
    params: Params
    school: str
    director: str
    sections: list[Section]
    subjects: list[str]
    final_rows: list[dict[str, Any]]
    pupil_ids: list[int]
    data_at: dt.datetime | None
    caption: str = ""
    year_marks: bool = False
    notes: list[str] = field(default_factory=list)


def _text(values: list[str], code: str | None) -> str:
    return " ".join([*([code] if code else []), *values])


def paper_copy(*, data: Any, for_user: Any) -> PaperCopy:
    """The class journal of a period for the user (heads and the class teacher: every
    subject; a teacher: their own), with an optional subject. Logged as a read (ROLE-4)."""
    from journal.reports.services import director_name, school_title

    scope = scope_for(for_user)
    if not scope.is_staff or scope.is_pupil:
        raise Http404
    form = ParamsForm(data, form=PAPER_COPY)
    if not form.is_valid() or form.resolved is None:
        from django.core.exceptions import ValidationError

        errors = form.errors.get_json_data()
        raise ValidationError({k: [e["message"] for e in v] for k, v in errors.items()})
    params = form.resolved
    cls, period = params.class_group, params.period
    if cls is None or period is None:
        raise Http404
    subjects = class_subjects(cls, scope)
    if params.subject is not None:
        subjects = [s for s in subjects if s.subject_id == params.subject.pk]
        if not subjects:
            raise Http404
    start, end = period.starts_on, period.ends_on
    pupils = class_pupils(cls, start, end)
    ids = [p.id for p in pupils]
    groups = subgroup_members(cls)
    assignment_subject = {a: s.subject_id for s in subjects for a in s.assignment_ids}
    moments: list[dt.datetime | None] = []
    lessons: dict[int, list[LessonColumn]] = defaultdict(list)
    lesson_subject: dict[int, int] = {}
    for lid, aid, day, topic, work_topic, homework, at in (
        Lesson.objects.filter(
            assignment_id__in=list(assignment_subject), date__gte=start, date__lte=end
        )
        .order_by("date", "slot", "id")
        .values_list("id", "assignment_id", "date", "topic", "work_topic", "homework", "updated_at")
    ):
        subject = assignment_subject[aid]
        shown_topic = f"{topic}. {work_topic}" if work_topic else topic
        lessons[subject].append(LessonColumn(lid, day, shown_topic, homework))
        lesson_subject[lid] = subject
        moments.append(at)
    lesson_filter = {"lesson_id__in": list(lesson_subject)}
    corrected: dict[int, tuple[int | None, dt.datetime]] = {}
    notes: dict[int, list[tuple[int, str]]] = defaultdict(list)  # subject → (mark, text)
    for mark_id, new_value, old_value, reason, at in (
        MarkCorrection.objects.filter(mark__lesson_id__in=list(lesson_subject))
        .order_by("corrected_at", "id")
        .values_list("mark_id", "new_value", "old_value", "reason", "corrected_at")
    ):
        corrected[mark_id] = (new_value, at)
        notes[mark_id].append((old_value or 0, reason))
        moments.append(at)
    marks: dict[tuple[int, int], list[str]] = defaultdict(list)
    weighted: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    correction_lines: dict[int, list[str]] = defaultdict(list)
    name_of = {p.id: p.name for p in pupils}
    day_of = {c.id: c.date for cols in lessons.values() for c in cols}
    for mark_id, lid, pid, value, weight, at in (
        Mark.objects.filter(**lesson_filter)
        .order_by("id")
        .values_list("id", "lesson_id", "pupil_id", "value", "weight", "entered_at")
    ):
        moments.append(at)
        shown: int | None = value
        star = ""
        if mark_id in corrected:
            shown, star = corrected[mark_id][0], "*"
            for old, reason in notes[mark_id]:
                correction_lines[lesson_subject[lid]].append(
                    f"{day_of[lid]:%d.%m.%Y}, {name_of.get(pid, pid)}: {old} → "
                    f"{shown if shown is not None else 'аннулирована'} ({reason})"
                )
        if shown is None:
            continue
        marks[(pid, lid)].append(f"{shown}{star}")
        weighted[(pid, lesson_subject[lid])].append((shown, weight))
    absent: dict[tuple[int, int], str] = {}
    missed: dict[int, Counter[str]] = defaultdict(Counter)
    for lid, pid, code, at in Attendance.objects.filter(**lesson_filter).values_list(
        "lesson_id", "pupil_id", "code", "updated_at"
    ):
        absent[(pid, lid)] = code
        missed[pid][code] += 1
        moments.append(at)
    given: dict[tuple[int, int, str], str] = {}
    sections: list[Section] = []
    year_marks_shown = False
    for pm_pupil, pm_assignment, kind, pm_value, pm_at, period_id in PeriodMark.objects.filter(
        assignment_id__in=list(assignment_subject), kind__in=["period", "year"]
    ).values_list("pupil_id", "assignment_id", "kind", "value", "entered_at", "period_id"):
        if kind == "period" and period_id != period.pk:
            continue
        given[(pm_pupil, assignment_subject[pm_assignment], kind)] = pm_value
        year_marks_shown |= kind == "year"
        moments.append(pm_at)
    for s in subjects:
        members = s.pupils(ids, groups)
        columns = lessons.get(s.subject_id, [])
        chunks = [
            columns[i : i + LESSONS_PER_SHEET] for i in range(0, len(columns), LESSONS_PER_SHEET)
        ] or [[]]
        sheets = []
        for n, chunk in enumerate(chunks):
            last = n == len(chunks) - 1
            rows = []
            for number, pid in enumerate(members, start=1):
                row = GridRow(
                    number,
                    name_of[pid],
                    [_text(marks.get((pid, c.id), []), absent.get((pid, c.id))) for c in chunk],
                )
                if last:
                    row.average = grading.shown_average(weighted.get((pid, s.subject_id), []))
                    row.period_mark = given.get((pid, s.subject_id, "period"), "")
                rows.append(row)
            sheets.append((chunk, rows))
        sections.append(
            Section(s.title, ", ".join(s.teachers), sheets, columns, correction_lines[s.subject_id])
        )
    final_rows = []
    for p in pupils:
        m = missed.get(p.id, Counter())
        final_rows.append(
            {
                "name": pupil_note(p, start, end),
                "marks": [given.get((p.id, s.subject_id, "period"), "") for s in subjects],
                "year": [given.get((p.id, s.subject_id, "year"), "") for s in subjects],
                "missed": sum(m[c] for c in d.MISSED_CODES),
                "ill": m["Б"],
            }
        )
    access_log(
        user=for_user,
        action="read",
        what="reports.journal-paper-copy",
        pupil_ids=ids,
        details={"parameters": params.as_dict()},
    )
    return PaperCopy(
        params=params,
        school=school_title(),
        director=director_name(),
        sections=sections,
        subjects=[s.short_title for s in subjects],
        final_rows=final_rows,
        pupil_ids=ids,
        data_at=latest(moments),
        caption=f"Класс {cls.title}, {period.title}: {start:%d.%m.%Y} – {end:%d.%m.%Y}",
        year_marks=year_marks_shown,
    )


def paper_copy_html(copy: PaperCopy) -> str:
    moment = data_moment(copy.data_at)
    return render_to_string(
        "reports/paper_copy.html",
        {
            "copy": copy,
            "font_faces": font_faces(),
            "moment": moment.isoformat(),
            "moment_text": f"{moment:%d.%m.%Y %H:%M}",
            "form": PAPER_COPY,
        },
    )


def paper_copy_pdf(copy: PaperCopy, *, pdf_variant: str | None = None) -> bytes:
    return pdf_from_html(paper_copy_html(copy), pdf_variant=pdf_variant)
