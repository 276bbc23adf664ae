"""Per-pupil pages of a class for a span of days: the paper printout for parents who
declined electronic access (DIA-3) and the class teacher's fortnightly progress report for
every parent (DIA-5).

A page shows the pupil's lesson marks by subject (corrected values, annulled marks left
out), absences, the homework set, the period marks of the reporting period the span ends
in, and a line for the class teacher's signature. `pupil_pages` reads with a fixed number
of queries whatever the class size.

The printouts are made by a scheduled per-school task (`printout_tasks`): one PDF per class
and span of `parent_printout_days` (7 by 001, 14 by 002), spans counted from a fixed Monday
so that every run agrees on them; the unique key (class, first day, last day) makes a
second run of the same span a no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string

from catalog.selectors import current_rules
from journal.access import scope_for
from journal.register.models import Attendance, Lesson, Mark, MarkCorrection, PeriodMark
from journal.reports.models import ParentPrintout
from journal.reports.render import data_moment, font_faces, pdf_from_html
from journal.reports.sources import class_pupils, latest, on_day
from journal.roster.models import GuardianLink
from journal.structure.models import AcademicYear, ClassGroup, ReportingPeriod

SPAN_EPOCH = dt.date(2000, 1, 3)  # a Monday: weekly spans run Monday to Sunday


@dataclass
class SubjectLine:
    subject: str
    marks: list[str] = field(default_factory=list)  # «5 (12.10)»
    period_mark: str = ""


@dataclass
class PupilPage:
    pupil_id: int
    name: str
    subjects: list[SubjectLine]
    absences: list[str]  # «12.10, Математика: Н»
    homework: list[str]  # «12.10, Математика: № 12»


@dataclass
class PupilPages:
    class_group: ClassGroup
    starts_on: dt.date
    ends_on: dt.date
    title: str
    period: ReportingPeriod | None
    pages: list[PupilPage]
    data_at: dt.datetime | None = None


def span_of(day: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The last whole span of `days` days that ended before `day`."""
    index = (day - SPAN_EPOCH).days // days
    start = SPAN_EPOCH + dt.timedelta(days=(index - 1) * days)
    return start, start + dt.timedelta(days=days - 1)


def declined_pupil_ids(class_group: ClassGroup, on: dt.date) -> list[int]:
    """Pupils of the class on `on` with a parent who declined electronic access."""
    ids = {p.id for p in on_day(class_pupils(class_group, on, on), on)}
    return sorted(
        set(
            GuardianLink.objects.filter(
                pupil_id__in=ids, guardian__declined_electronic_access=True
            ).values_list("pupil_id", flat=True)
        )
    )


def pupil_pages(
    *,
    class_group: ClassGroup,
    starts_on: dt.date,
    ends_on: dt.date,
    title: str,
    pupil_ids: list[int] | None = None,
) -> PupilPages:
    """One page per pupil of the class on `ends_on` (or of `pupil_ids`): seven queries."""
    pupils = [
        p
        for p in on_day(class_pupils(class_group, starts_on, ends_on), ends_on)
        if pupil_ids is None or p.id in pupil_ids
    ]
    ids = [p.id for p in pupils]
    period = (
        ReportingPeriod.objects.filter(
            year_id=class_group.year_id,
            grade_from__lte=class_group.grade,
            grade_to__gte=class_group.grade,
            starts_on__lte=ends_on,
            ends_on__gte=ends_on,
        )
        .order_by("starts_on")
        .first()
    )
    lessons = {
        lid: (day, subject, homework)
        for lid, day, subject, homework in Lesson.objects.filter(
            assignment__class_group=class_group, date__gte=starts_on, date__lte=ends_on
        )
        .order_by("date", "slot")
        .values_list("id", "date", "assignment__subject__title", "homework")
    }
    moments: list[dt.datetime | None] = []
    marks = list(
        Mark.objects.filter(lesson_id__in=list(lessons), pupil_id__in=ids)
        .order_by("lesson__date", "lesson__slot", "id")
        .values_list("id", "pupil_id", "lesson_id", "value", "entered_at")
    )
    corrected: dict[int, int | None] = {}
    for mark_id, new_value, at in (
        MarkCorrection.objects.filter(mark_id__in=[m[0] for m in marks])
        .order_by("corrected_at", "id")
        .values_list("mark_id", "new_value", "corrected_at")
    ):
        corrected[mark_id] = new_value
        moments.append(at)
    by_pupil: dict[int, dict[str, SubjectLine]] = defaultdict(dict)
    for mark_id, pid, lid, value, at in marks:
        moments.append(at)
        shown = corrected.get(mark_id, value) if mark_id in corrected else value
        if shown is None:
            continue  # annulled
        day, subject, _hw = lessons[lid]
        line = by_pupil[pid].setdefault(subject, SubjectLine(subject))
        line.marks.append(f"{shown} ({day:%d.%m})")
    absences: dict[int, list[str]] = defaultdict(list)
    for pid, lid, code, at in (
        Attendance.objects.filter(lesson_id__in=list(lessons), pupil_id__in=ids)
        .order_by("lesson__date", "lesson__slot")
        .values_list("pupil_id", "lesson_id", "code", "updated_at")
    ):
        day, subject, _hw = lessons[lid]
        absences[pid].append(f"{day:%d.%m}, {subject}: {code}")
        moments.append(at)
    if period is not None:
        for pupil_id, title, given, entered in PeriodMark.objects.filter(
            period=period,
            kind=PeriodMark.Kind.PERIOD,
            pupil_id__in=ids,
            assignment__class_group=class_group,
        ).values_list("pupil_id", "assignment__subject__title", "value", "entered_at"):
            by_pupil[pupil_id].setdefault(title, SubjectLine(title)).period_mark = given
            moments.append(entered)
    homework = [
        f"{day:%d.%m}, {subject}: {hw}" for day, subject, hw in lessons.values() if hw.strip()
    ]
    pages = [
        PupilPage(
            pupil_id=p.id,
            name=p.name,
            subjects=sorted(by_pupil[p.id].values(), key=lambda s: s.subject),
            absences=absences[p.id],
            homework=homework,
        )
        for p in pupils
    ]
    return PupilPages(class_group, starts_on, ends_on, title, period, pages, latest(moments))


def pupil_pages_pdf(pages: PupilPages, *, school: str = "") -> bytes:
    """A4 portrait, one page per pupil, the class teacher's signature line on each."""
    moment = data_moment(pages.data_at)
    teacher = pages.class_group.class_teacher
    html = render_to_string(
        "reports/pupil_pages.html",
        {
            "doc": pages,
            "school": school,
            "teacher": teacher.user.full_name if teacher else "",
            "font_faces": font_faces(),
            "moment": moment.isoformat(),
        },
    )
    return pdf_from_html(html)


PRINTOUT_TITLE = "Сведения об успеваемости и посещаемости (для родителей без электронного доступа)"
REPORT_TITLE = "Отчёт об успеваемости и посещаемости за две недели"


def parent_printouts_make(*, on: dt.date) -> list[ParentPrintout]:
    """DIA-3: for each class of the current year with a pupil whose parent declined
    electronic access, the PDF of the last whole span of `parent_printout_days` before
    `on`. A span already made is left as it is (a redelivered task does nothing)."""
    from journal.reports.services import school_title

    days = max(1, int(current_rules().parent_printout_days))
    start, end = span_of(on, days)
    year = AcademicYear.objects.filter(starts_on__lte=end, ends_on__gte=end).first()
    if year is None:
        return []
    made = []
    done = set(
        ParentPrintout.objects.filter(starts_on=start, ends_on=end).values_list(
            "class_group_id", flat=True
        )
    )
    for cls in ClassGroup.objects.filter(year=year).select_related("class_teacher__user"):
        if cls.pk in done:
            continue
        ids = declined_pupil_ids(cls, end)
        if not ids:
            continue
        pages = pupil_pages(
            class_group=cls, starts_on=start, ends_on=end, title=PRINTOUT_TITLE, pupil_ids=ids
        )
        content = pupil_pages_pdf(pages, school=school_title())
        try:
            with transaction.atomic():
                made.append(
                    ParentPrintout.objects.create(
                        class_group=cls,
                        starts_on=start,
                        ends_on=end,
                        pupil_ids=ids,
                        sha256=hashlib.sha256(content).hexdigest(),
                        content=content,
                    )
                )
        except IntegrityError:
            continue  # made concurrently by a redelivery: the first one stands
    return made


def printout_list(*, class_group_id: int, for_user: Any) -> list[ParentPrintout]:
    """The class's printouts, newest first: its class teacher and the heads (else 404)."""
    scope = scope_for(for_user)
    if not (scope.whole_school or class_group_id in scope.class_ids):
        raise Http404
    return list(ParentPrintout.objects.filter(class_group_id=class_group_id).defer("content")[:50])


def printout_get(*, printout_id: int, for_user: Any) -> ParentPrintout:
    scope = scope_for(for_user)
    found = ParentPrintout.objects.filter(pk=printout_id).first()
    if found is None or not (scope.whole_school or found.class_group_id in scope.class_ids):
        raise Http404
    return found
