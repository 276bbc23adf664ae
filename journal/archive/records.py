"""A class's records for a period or a year, as JSON and CSV (ARC-1).

Lessons (date, slot, topic, homework, teacher, substitute), marks with their corrections and
authors (MRK-2), attendance with reasons and who set them (ATT-1), period and final marks
(MRK-3). Ordered by id, so the same data gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from django.contrib.auth import get_user_model

from journal.register.models import Attendance, Lesson, Mark, MarkCorrection, PeriodMark
from journal.structure.models import ClassGroup, TeachingAssignment

TABLES: dict[str, list[str]] = {
    "lessons": [
        "id", "date", "slot", "subject", "teacher", "kind", "topic", "work_topic", "homework",
        "substitute",
    ],
    "marks": [
        "id", "lesson_id", "date", "subject", "pupil_id", "pupil", "value", "work_kind",
        "weight", "entered_by", "entered_at", "as_substitute", "is_late_entry",
    ],
    "corrections": [
        "id", "mark_id", "old_value", "new_value", "reason", "corrected_by", "corrected_at",
    ],
    "attendance": [
        "id", "lesson_id", "date", "subject", "pupil_id", "pupil", "code", "marked_by",
        "reason_by", "reason_note",
    ],
    "period_marks": [
        "id", "pupil_id", "pupil", "subject", "kind", "period_id", "value", "entered_by",
        "entered_at",
    ],
}  # fmt: skip


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def class_records(
    *, class_group: ClassGroup, start: dt.date, end: dt.date, period_id: int | None
) -> dict[str, list[dict[str, Any]]]:
    """The class's rows between `start` and `end`; period marks of `period_id`, or (None) the
    year's year, exam and final marks. A fixed number of queries."""
    names = {
        u.pk: " ".join(x for x in (u.last_name, u.first_name, getattr(u, "patronymic", "")) if x)
        for u in get_user_model().objects.all().only("id", "last_name", "first_name", "patronymic")
    }
    assignments = {
        a.pk: (a.subject.title, a.teacher.user_id)
        for a in TeachingAssignment.objects.filter(class_group=class_group).select_related(
            "subject", "teacher"
        )
    }
    lessons = list(
        Lesson.objects.filter(assignment_id__in=list(assignments), date__gte=start, date__lte=end)
        .select_related("substitute")
        .order_by("id")
    )
    by_lesson = {lesson.pk: lesson for lesson in lessons}

    def subject_of(lesson_id: int) -> str:
        return assignments[by_lesson[lesson_id].assignment_id][0]

    from journal.roster.models import Pupil

    pupil_user = dict(Pupil.objects.values_list("id", "user_id"))

    def pupil(pid: int) -> str:
        return names.get(pupil_user.get(pid, 0), str(pid))

    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for lesson in lessons:
        subject, teacher = assignments[lesson.assignment_id]
        substitute = getattr(lesson.substitute, "user_id", None) if lesson.substitute else None
        out["lessons"].append(
            {
                "id": lesson.pk,
                "date": lesson.date,
                "slot": lesson.slot,
                "subject": subject,
                "teacher": names.get(teacher, ""),
                "kind": lesson.kind,
                "topic": lesson.topic,
                "work_topic": lesson.work_topic,
                "homework": lesson.homework,
                "substitute": names.get(substitute, "") if substitute else "",
            }
        )
    marks = list(
        Mark.objects.filter(lesson_id__in=list(by_lesson))
        .select_related("work_kind")
        .order_by("id")
    )
    for mark in marks:
        out["marks"].append(
            {
                "id": mark.pk,
                "lesson_id": mark.lesson_id,
                "date": by_lesson[mark.lesson_id].date,
                "subject": subject_of(mark.lesson_id),
                "pupil_id": mark.pupil_id,
                "pupil": pupil(mark.pupil_id),
                "value": mark.value,
                "work_kind": mark.work_kind.title,
                "weight": mark.weight,
                "entered_by": names.get(mark.entered_by_id, ""),
                "entered_at": mark.entered_at,
                "as_substitute": mark.as_substitute,
                "is_late_entry": mark.is_late_entry,
            }
        )
    for c in MarkCorrection.objects.filter(mark__lesson_id__in=list(by_lesson)).order_by("id"):
        out["corrections"].append(
            {
                "id": c.pk,
                "mark_id": c.mark_id,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "reason": c.reason,
                "corrected_by": names.get(c.corrected_by_id, ""),
                "corrected_at": c.corrected_at,
            }
        )
    for a in Attendance.objects.filter(lesson_id__in=list(by_lesson)).order_by("id"):
        out["attendance"].append(
            {
                "id": a.pk,
                "lesson_id": a.lesson_id,
                "date": by_lesson[a.lesson_id].date,
                "subject": subject_of(a.lesson_id),
                "pupil_id": a.pupil_id,
                "pupil": pupil(a.pupil_id),
                "code": a.code,
                "marked_by": names.get(a.marked_by_id, ""),
                "reason_by": names.get(a.reason_by_id, "") if a.reason_by_id else "",
                "reason_note": a.reason_note,
            }
        )
    period_marks = PeriodMark.objects.filter(assignment_id__in=list(assignments))
    if period_id is not None:
        period_marks = period_marks.filter(period_id=period_id, kind=PeriodMark.Kind.PERIOD)
    else:
        period_marks = period_marks.exclude(kind=PeriodMark.Kind.PERIOD)
    for pm in period_marks.order_by("id"):
        out["period_marks"].append(
            {
                "id": pm.pk,
                "pupil_id": pm.pupil_id,
                "pupil": pupil(pm.pupil_id),
                "subject": assignments[pm.assignment_id][0],
                "kind": pm.kind,
                "period_id": pm.period_id,
                "value": pm.value,
                "entered_by": names.get(pm.entered_by_id, ""),
                "entered_at": pm.entered_at,
            }
        )
    return {
        name: [{k: _iso(v) for k, v in row.items()} for row in rows] for name, rows in out.items()
    }


def records_json(records: dict[str, list[dict[str, Any]]]) -> bytes:
    return json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True).encode()


def records_csv(records: dict[str, list[dict[str, Any]]]) -> dict[str, bytes]:
    """One CSV per table (UTF-8 with BOM for spreadsheet programs, ';' as in Russian Excel)."""
    files = {}
    for name, columns in TABLES.items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(records[name])
        files[f"{name}.csv"] = ("\ufeff" + buffer.getvalue()).encode()
    return files
