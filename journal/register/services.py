"""Writes of the journal: lessons, substitutions, marks, corrections, attendance (LES, MRK, ATT).

Every rule of the adopted regulation comes from `catalog.selectors.current_rules()`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts import roles
from catalog.rules import DEADLINE_FROM_LESSONS_END, Rules
from catalog.selectors import current_rules
from core.errors import ApplicationError
from core.storage_tx import atomic_with_files, delete_on_rollback
from journal.access import STRUCTURE_MANAGERS, Scope, deny, require_roles, scope_for
from journal.audit.services import access_log
from journal.permissions import SUBSTITUTE_LESSON_PERM
from journal.planning.models import ThematicPlanItem
from journal.register import signals
from journal.register.models import (
    Attendance,
    HomeworkAttachment,
    Lesson,
    Mark,
    MarkCorrection,
    MarkDeadline,
    PeExemption,
    PeriodMark,
    PeriodMarkValue,
    WorkKind,
)
from journal.roster.models import ClassMembership, Pupil
from journal.structure.closing import (
    class_year_must_be_open,
    lesson_year_must_be_open,
    year_must_be_open,
)
from journal.structure.models import (
    AcademicYear,
    BellSlot,
    ReportingPeriod,
    ScheduleBreak,
    StaffMember,
    SubgroupMember,
    TeachingAssignment,
    TimetableEntry,
)

WORK_KINDS_CACHE_KEY = "journal:work_kinds:v1"
SPECIAL_PERIOD_VALUES = PeriodMarkValue.SPECIAL
# When the school's order sets no deadline: period marks within this many days after the
# period ends (the regulation's default; a template may set `period_marks_due_days`).
DEFAULT_PERIOD_MARKS_DUE_DAYS = 7
# Period marks open this many days before the period (or the year) ends.
PERIOD_MARKS_OPEN_DAYS = 14


# ---------------------------------------------------------------- who may write a lesson


def may_enter_lesson(scope: Scope, lesson: Lesson) -> bool:
    """The assignment's teacher, or a substitute the deputy granted this lesson (ROLE-1, -3)."""
    return lesson.assignment_id in scope.assignment_ids or lesson.pk in scope.substitute_lesson_ids


def _require_lesson_writer(scope: Scope, lesson: Lesson) -> None:
    if scope.is_pupil or not may_enter_lesson(scope, lesson):
        raise deny("Вносить данные урока может только учитель, ведущий урок, или замещающий.")
    year_must_be_open(lesson.assignment.year_id, scope=scope)


def _grade_without_marks(rules: Rules, lesson: Lesson) -> bool:
    return lesson.assignment.class_group.grade in rules.grades_without_marks


def lessons_end(lesson: Lesson) -> dt.datetime | None:
    """When the class's lessons end on the lesson's day: the end, by the bell schedule, of
    the last lesson the class has that day (LES-2, 000 §3.9). None without a bell schedule.
    One query."""
    assignment = lesson.assignment
    ends_at = (
        BellSlot.objects.filter(
            year_id=assignment.year_id,
            number__in=Lesson.objects.filter(
                assignment__class_group_id=assignment.class_group_id, date=lesson.date
            ).values("slot"),
        )
        .order_by("-number")
        .values_list("ends_at", flat=True)
        .first()
    )
    if ends_at is None:
        return None
    return timezone.make_aware(dt.datetime.combine(lesson.date, ends_at))


def _backdating(rules: Rules, today: dt.date, lesson_date: dt.date) -> bool:
    """Within the back-dating window after the deadline passed; 0 days: back-dating is
    forbidden (000 §3.9), even later on the lesson's own day."""
    days = rules.backdating_window_days
    return days > 0 and (today - lesson_date).days <= days


def day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def entry_window(
    rules: Rules,
    lesson_date: dt.date,
    now: dt.datetime,
    *,
    lessons_end_at: dt.datetime | None = None,
) -> str:
    """'future' | 'on_time' | 'late' (within the back-dating window) | 'closed'.

    The deadline is `mark_entry_deadline_hours` after the end of the lesson's day, or after
    the end of the class's lessons that day when the regulation counts from there
    (`mark_entry_deadline_from`, 000 §3.9) and `lessons_end_at` is known.
    """
    today = timezone.localdate(now)
    if lesson_date > today:
        return "future"
    anchor = day_end(lesson_date)
    if rules.mark_entry_deadline_from == DEADLINE_FROM_LESSONS_END and lessons_end_at is not None:
        anchor = lessons_end_at
    if now <= anchor + dt.timedelta(hours=rules.mark_entry_deadline_hours):
        return "on_time"
    if _backdating(rules, today, lesson_date):
        return "late"
    return "closed"


def lessons_ends(
    class_group_id: int, year_id: int, start: dt.date, end: dt.date
) -> dict[dt.date, dt.datetime]:
    """`lessons_end` for every day from `start` to `end` of one class at once (a journal
    grid's period): two queries, however many lessons. A day missing from the answer has no
    bell schedule for its lessons."""
    bells = dict(BellSlot.objects.filter(year_id=year_id).values_list("number", "ends_at"))
    last: dict[dt.date, int] = {}
    for day, slot in Lesson.objects.filter(
        assignment__class_group_id=class_group_id,
        date__gte=start,
        date__lte=end,
        slot__in=list(bells) or [0],
    ).values_list("date", "slot"):
        last[day] = max(slot, last.get(day, slot))
    return {
        day: timezone.make_aware(dt.datetime.combine(day, bells[slot]))
        for day, slot in last.items()
    }


def lesson_entry_window(
    rules: Rules, lesson: Lesson, now: dt.datetime, *, lessons_end_at: dt.datetime | None = None
) -> str:
    """`entry_window` of one lesson, with its class's end of lessons when the rule needs it
    (`lessons_end_at` when the caller read it already, as the grid does for all its days)."""
    end = lessons_end_at
    if end is None and rules.mark_entry_deadline_from == DEADLINE_FROM_LESSONS_END:
        end = lessons_end(lesson)
    return entry_window(rules, lesson.date, now, lessons_end_at=end)


def mark_window(
    rules: Rules,
    lesson: Lesson,
    work_kind: str,
    now: dt.datetime,
    *,
    lessons_end_at: dt.datetime | None = None,
) -> str:
    """The entry window of a mark of this kind: a written work's marks are due within the
    regulation's days of the work (001 §2.4, 004 §8.5), other marks by the lesson's deadline."""
    days = rules.mark_deadline_days(work_kind)
    if days is None:
        return lesson_entry_window(rules, lesson, now, lessons_end_at=lessons_end_at)
    today = timezone.localdate(now)
    if lesson.date > today:
        return "future"
    if now <= day_end(lesson.date + dt.timedelta(days=days)):
        return "on_time"
    if _backdating(rules, today, lesson.date):
        return "late"
    return "closed"


OPEN_WINDOWS = ("on_time", "late")


def open_work_kinds(
    rules: Rules,
    lesson: Lesson,
    kinds: Iterable[str],
    now: dt.datetime,
    *,
    lessons_end_at: dt.datetime | None = None,
) -> list[str]:
    """The work kinds whose marks `marks_save` takes for this lesson now (for the pages: a
    written work stays open for its days after the lesson's own deadline has passed)."""
    return [
        code
        for code in kinds
        if mark_window(rules, lesson, code, now, lessons_end_at=lessons_end_at) in OPEN_WINDOWS
    ]


def _mending(rules: Rules, lesson: Lesson, now: dt.datetime) -> bool:
    """Within 004 §8.6's days for mending errors and gaps in the lesson's records."""
    days = rules.mending_window_days
    return days > 0 and (timezone.localdate(now) - lesson.date).days <= days


def homework_window(rules: Rules, lesson: Lesson, now: dt.datetime) -> str:
    """'ahead' | 'on_time' | 'mend' | 'closed' for the lesson's homework (LES-2).

    Homework may be posted ahead (001 §2.3); it is due `homework_deadline_hours` after the
    end of the class's lessons that day (001 §2.2; the end of the day without a bell
    schedule); after that a missing or wrong entry is mended within `mending_window_days`
    (004 §8.6).
    """
    if lesson.date > timezone.localdate(now):
        return "ahead"
    anchor = lessons_end(lesson) or day_end(lesson.date)
    if now <= anchor + dt.timedelta(hours=rules.homework_deadline_hours):
        return "on_time"
    if _mending(rules, lesson, now):
        return "mend"
    return "closed"


def record_window(rules: Rules, lesson: Lesson, now: dt.datetime) -> str:
    """'future' | 'on_time' | 'late' | 'mend' | 'closed' for the topic and kind of a lesson."""
    window = lesson_entry_window(rules, lesson, now)
    if window == "closed" and _mending(rules, lesson, now):
        return "mend"
    return window


def deadline_text(rules: Rules, work_kind: str | None = None) -> str:
    """The regulation's entry deadline in words, for refusals."""
    days = rules.mark_deadline_days(work_kind) if work_kind else None
    if days is not None:
        kind = rules.work_kind(work_kind or "")
        title = kind.title if kind else work_kind
        return f"отметки за письменную работу «{title}» — не позднее {days} дн. со дня работы"
    anchor = (
        "окончания уроков класса"
        if rules.mark_entry_deadline_from == DEADLINE_FROM_LESSONS_END
        else "дня урока"
    )
    return f"{rules.mark_entry_deadline_hours} ч после {anchor}"


# ---------------------------------------------------------------- lessons


@dataclass(frozen=True)
class GeneratedLessons:
    created: int
    skipped_days: int


@transaction.atomic
def lessons_generate(
    *, period: ReportingPeriod, class_group_id: int | None = None, by: Any
) -> GeneratedLessons:
    """Lessons of the period from the timetable, skipping holidays and quarantine (LES-1).

    Idempotent: a lesson already there (assignment, date, slot) is kept as it is. When the
    assignment has a КТП, new lessons take its topics in order (PLAN-3).
    """
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(period.year_id)
    year = period.year
    entries = TimetableEntry.objects.filter(
        year=year,
        class_group__grade__gte=period.grade_from,
        class_group__grade__lte=period.grade_to,
    ).select_related("class_group")
    if class_group_id is not None:
        entries = entries.filter(class_group_id=class_group_id)
    entries_list = list(entries)
    breaks = list(ScheduleBreak.objects.filter(year=year))
    new: list[Lesson] = []
    skipped = 0
    day = period.starts_on
    while day <= period.ends_on:
        weekday = day.isoweekday()
        if weekday <= year.days_per_week:
            for entry in entries_list:
                if entry.weekday != weekday:
                    continue
                if any(
                    b.applies_to(
                        day=day,
                        class_group_id=entry.class_group_id,
                        grade=entry.class_group.grade,
                    )
                    for b in breaks
                ):
                    skipped += 1
                    continue
                new.append(Lesson(assignment_id=entry.assignment_id, date=day, slot=entry.slot))
        day += dt.timedelta(days=1)
    before = Lesson.objects.filter(assignment__year=year).count()
    Lesson.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    created = Lesson.objects.filter(assignment__year=year).count() - before
    _link_plan_topics({e.assignment_id for e in entries_list})
    return GeneratedLessons(created=created, skipped_days=skipped)


def _link_plan_topics(assignment_ids: set[int]) -> None:
    """Give lessons without a plan item the next КТП topics, in date order."""
    items = list(
        ThematicPlanItem.objects.filter(plan__assignment_id__in=assignment_ids).order_by(
            "plan_id", "position"
        )
    )
    if not items:
        return
    by_assignment: dict[int, list[ThematicPlanItem]] = {}
    plan_to_assignment = dict(
        ThematicPlanItem.objects.filter(id__in=[i.pk for i in items]).values_list(
            "id", "plan__assignment_id"
        )
    )
    for item in items:
        for _ in range(item.hours):
            by_assignment.setdefault(plan_to_assignment[item.pk], []).append(item)
    lessons = Lesson.objects.filter(assignment_id__in=by_assignment).order_by(
        "assignment_id", "date", "slot"
    )
    used: dict[int, int] = {}
    changed: list[Lesson] = []
    for lesson in lessons:
        queue = by_assignment[lesson.assignment_id]
        index = used.get(lesson.assignment_id, 0)
        used[lesson.assignment_id] = index + 1
        if lesson.plan_item_id or index >= len(queue):
            continue
        lesson.plan_item = queue[index]
        lesson.topic = lesson.topic or queue[index].topic
        changed.append(lesson)
    Lesson.objects.bulk_update(changed, ["plan_item", "topic"], batch_size=1000)


@transaction.atomic
def lesson_update(
    *,
    lesson: Lesson,
    topic: str | None = None,
    work_topic: str | None = None,
    homework: str | None = None,
    kind: str | None = None,
    by: Any,
) -> Lesson:
    """Topic, work topic, homework, kind of lesson (LES-1..3).

    The topic by the lesson's entry deadline, homework by the end of the day's lessons
    (LES-2; posted ahead at any time); after that, errors and gaps are mended within the
    regulation's days (004 §8.6)."""
    scope = scope_for(by)
    _require_lesson_writer(scope, lesson)
    rules = current_rules()
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if homework and _grade_without_marks(rules, lesson):
        errors["homework"] = [
            f"В {lesson.assignment.class_group.grade} классе (безотметочное обучение) "
            "домашние задания не задаются."
        ]
    if (topic is not None or work_topic is not None) and record_window(
        rules, lesson, now
    ) == "closed":
        errors["topic"] = [
            "Срок заполнения урока истёк: тема вносится в день урока, ошибки и пропуски "
            f"устраняются не позднее {rules.mending_window_days} дн."
        ]
    if homework is not None and "homework" not in errors:
        if homework_window(rules, lesson, now) == "closed":
            errors["homework"] = [
                "Срок внесения домашнего задания к этому уроку истёк: оно вносится до "
                "окончания уроков в день урока, ошибки и пропуски устраняются не позднее "
                f"{rules.mending_window_days} дн."
            ]
    if kind is not None and kind not in Lesson.Kind.values:
        errors["kind"] = ["Неизвестный вид урока."]
    if errors:
        raise ValidationError(errors)
    fields = []
    for name, value in (
        ("topic", topic),
        ("work_topic", work_topic),
        ("homework", homework),
        ("kind", kind),
    ):
        if value is not None:
            setattr(lesson, name, value.strip())
            fields.append(name)
    if fields:
        lesson.save(update_fields=[*fields, "updated_at"])
    return lesson


@transaction.atomic
def substitution_grant(
    *, lesson: Lesson, substitute: StaffMember, reason: str = "", by: Any
) -> Lesson:
    """Замена: the deputy grants a substitute this lesson only (ROLE-3), with the reason
    (illness, course, trip), recorded in the substitution journal (ROLE-5)."""
    scope = scope_for(by)
    require_roles(scope, {roles.DEPUTY, roles.DIRECTOR}, "Замену назначает заместитель директора.")
    year_must_be_open(lesson.assignment.year_id, scope=scope)
    if substitute.pk == lesson.assignment.teacher_id:
        raise ValidationError({"substitute_id": ["Учитель не может замещать сам себя."]})
    if not substitute.is_active or not substitute.user.groups.filter(name=roles.TEACHER).exists():
        raise ValidationError({"substitute_id": ["Замещать может только работающий учитель."]})
    previous = lesson.substitute
    if previous is not None and previous.pk != substitute.pk:
        # A new substitute replaces the old one: the old one loses this lesson.
        remove_perm(SUBSTITUTE_LESSON_PERM, previous.user, lesson)
    lesson.substitute = substitute
    lesson.substituted_teacher_id = lesson.assignment.teacher_id
    lesson.substitution_granted_by = by
    lesson.substitution_granted_at = timezone.now()
    lesson.substitution_reason = (reason or "").strip()
    lesson.save()
    assign_perm(SUBSTITUTE_LESSON_PERM, substitute.user, lesson)
    return lesson


# ---------------------------------------------------------------- work kinds


def work_kinds_ensure() -> dict[str, WorkKind]:
    """The school's work kinds; seeded from the adopted template on first use (MRK-1).

    Cached per school (the cache key carries the schema), dropped when the list changes.
    """
    cached: dict[str, WorkKind] | None = cache.get(WORK_KINDS_CACHE_KEY)
    if cached is not None:
        return cached
    kinds = {k.code: k for k in WorkKind.objects.filter(is_active=True)}
    if kinds:
        cache.set(WORK_KINDS_CACHE_KEY, kinds, 300)
        return kinds
    if not WorkKind.objects.exists():
        practical = {"practical", "lab"}
        WorkKind.objects.bulk_create(
            [
                WorkKind(
                    code=rule.code,
                    title=rule.title,
                    weight=rule.weight,
                    is_theoretical=rule.code not in practical,
                )
                for rule in current_rules().work_kinds
            ],
            ignore_conflicts=True,
        )
        kinds = {k.code: k for k in WorkKind.objects.filter(is_active=True)}
    # Just seeded in this transaction: cache only once it is committed.
    transaction.on_commit(lambda: cache.set(WORK_KINDS_CACHE_KEY, kinds, 300))
    return kinds


@transaction.atomic
def work_kind_save(
    *, code: str, title: str, weight: int, is_theoretical: bool = True, by: Any
) -> WorkKind:
    """Add or change a kind of work of the school (weights per school, MRK-1)."""
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    if not 1 <= weight <= 10:
        raise ValidationError({"weight": ["Вес вида работы — от 1 до 10."]})
    if not title.strip():
        raise ValidationError({"title": ["Укажите название вида работы."]})
    work_kinds_ensure()
    kind, _ = WorkKind.objects.update_or_create(
        code=code,
        defaults={"title": title.strip(), "weight": weight, "is_theoretical": is_theoretical},
    )
    transaction.on_commit(lambda: cache.delete(WORK_KINDS_CACHE_KEY))
    return kind


# ---------------------------------------------------------------- marks


# The work kind the grid preselects (a code of the regulation's work kinds, catalog.rules).
DEFAULT_WORK_KIND = "oral"


@dataclass(frozen=True)
class MarkInput:
    pupil_id: int
    value: int
    work_kind: str


def lesson_pupils(lesson: Lesson, *, with_exemption: bool = False) -> dict[int, bool]:
    """Pupils on the lesson's list that day (class or subgroup) → PE-exempt flag. One query."""
    assignment = lesson.assignment
    memberships = ClassMembership.objects.on(lesson.date).filter(
        class_group_id=assignment.class_group_id
    )
    if assignment.subgroup_id:
        memberships = memberships.filter(
            Exists(
                SubgroupMember.objects.filter(
                    subgroup_id=assignment.subgroup_id, pupil_id=OuterRef("pupil_id")
                )
            )
        )
    if with_exemption:
        annotated: QuerySet[Any] = memberships.annotate(
            exempt=Exists(
                PeExemption.objects.filter(
                    pupil_id=OuterRef("pupil_id"),
                    starts_on__lte=lesson.date,
                    ends_on__gte=lesson.date,
                )
            )
        )
        return dict(annotated.values_list("pupil_id", "exempt"))
    return dict.fromkeys(memberships.values_list("pupil_id", flat=True), False)


@transaction.atomic
def marks_save(*, lesson: Lesson, marks: Sequence[MarkInput], by: Any) -> list[Mark]:
    """Save a column of marks for one lesson, all or nothing (MRK-1, MRK-2, MRK-5, LES-3).

    Refused: a value off the adopted scale; a grade taught without marks; a lesson in the
    future; a lesson whose entry deadline and back-dating window have passed; a pupil not
    on the lesson's list; a practical kind of work for a pupil exempt from PE.
    """
    scope = scope_for(by)
    _require_lesson_writer(scope, lesson)
    rules = current_rules()
    if _grade_without_marks(rules, lesson):
        raise ApplicationError(
            f"В {lesson.assignment.class_group.grade} классе обучение безотметочное: "
            "отметки не выставляются.",
            field_errors={"marks": ["Отметки в этом классе не выставляются."]},
        )
    if not marks:
        raise ValidationError({"marks": ["Нет ни одной отметки."]})
    now = timezone.now()
    if lesson.date > timezone.localdate(now):
        raise ValidationError({"marks": ["Урок ещё не проведён: отметки за него ставить рано."]})
    windows = {code: mark_window(rules, lesson, code, now) for code in {m.work_kind for m in marks}}
    closed = sorted(code for code, window in windows.items() if window == "closed")
    if closed:
        raise ApplicationError(
            f"Срок внесения отметок за урок {lesson.date:%d.%m.%Y} истёк "
            f"(положение: {deadline_text(rules, closed[0])}, задним числом — "
            f"не более {rules.backdating_window_days} дн.).",
            field_errors={"marks": ["Срок внесения отметок истёк."]},
        )
    on_list = lesson_pupils(lesson, with_exemption=lesson.assignment.subject.is_physical_education)
    kinds = work_kinds_ensure()
    scale = ", ".join(str(v) for v in rules.mark_scale)
    errors: dict[str, list[str]] = {}
    rows: list[Mark] = []
    for index, item in enumerate(marks):
        problems = []
        if item.value not in rules.mark_scale:
            problems.append(f"Отметка {item.value} недопустима: шкала школы — {scale}.")
        kind = kinds.get(item.work_kind)
        if kind is None:
            problems.append(f"Неизвестный вид работы «{item.work_kind}».")
        if item.pupil_id not in on_list:
            problems.append("Обучающегося нет в списке класса (подгруппы) на дату урока.")
        elif kind is not None and on_list[item.pupil_id] and not kind.is_theoretical:
            problems.append(
                "Обучающийся освобождён от физкультуры: допустимы только теоретические виды работ."
            )
        if problems:
            errors[f"marks[{index}]"] = problems
            continue
        assert kind is not None
        rows.append(
            Mark(
                lesson_id=lesson.pk,
                pupil_id=item.pupil_id,
                value=item.value,
                work_kind_id=kind.pk,
                weight=kind.weight,
                entered_by_id=by.pk,
                as_substitute=lesson.pk in scope.substitute_lesson_ids
                and lesson.assignment_id not in scope.assignment_ids,
                is_late_entry=windows[item.work_kind] == "late",
            )
        )
    if errors:
        raise ValidationError(errors)
    created = Mark.objects.bulk_create(rows)
    signals.marks_saved.send(sender=Mark, lesson=lesson, marks=created)
    access_log(
        user=by,
        action="create",
        what="register.marks",
        pupil_ids=[m.pupil_id for m in created],
        details={"lesson_id": lesson.pk, "count": len(created)},
    )
    return created


def effective_value(mark: Mark, corrections: Sequence[MarkCorrection]) -> int | None:
    """The value after the latest correction (None: annulled)."""
    return corrections[-1].new_value if corrections else mark.value


@transaction.atomic
def mark_correct(*, mark: Mark, new_value: int | None, reason: str, by: Any) -> MarkCorrection:
    """Mend a mistake with an audited correction row (MRK-2): window and roles from the template."""
    scope = scope_for(by)
    policy = current_rules().correction
    if not policy.allowed:
        raise ApplicationError("Положение школы не допускает исправления отметок.")
    if not scope.roles.intersection(policy.roles):
        names = ", ".join(roles.SCHOOL_ROLES.get(r, r).lower() for r in policy.roles)
        raise deny(f"Исправлять отметки по положению школы может только: {names}.")
    lesson_year_must_be_open(mark.lesson_id)
    age = timezone.now() - mark.entered_at
    if age > dt.timedelta(days=policy.window_days):
        raise ApplicationError(
            "Срок исправления истёк: отметка внесена "
            f"{timezone.localtime(mark.entered_at):%d.%m.%Y}, "
            f"исправить её можно в течение {policy.window_days} дн.",
            field_errors={"new_value": ["Срок исправления отметки истёк."]},
        )
    errors: dict[str, list[str]] = {}
    if policy.reason_required and not (reason or "").strip():
        errors["reason"] = ["Укажите причину исправления."]
    scale = current_rules().mark_scale
    if new_value is not None and new_value not in scale:
        errors["new_value"] = [
            f"Отметка {new_value} недопустима: шкала школы — {', '.join(map(str, scale))}."
        ]
    corrections = list(mark.corrections.all())
    old = effective_value(mark, corrections)
    if not errors and old is None:
        errors["new_value"] = ["Отметка уже аннулирована."]
    elif not errors and old == new_value:
        errors["new_value"] = ["Новая отметка совпадает с прежней."]
    if errors:
        raise ValidationError(errors)
    correction = MarkCorrection.objects.create(
        mark=mark, old_value=old, new_value=new_value, reason=reason.strip(), corrected_by=by
    )
    signals.mark_corrected.send(sender=MarkCorrection, mark=mark, correction=correction)
    access_log(
        user=by,
        action="change",
        what="register.mark_correction",
        pupil_ids=[mark.pupil_id],
        details={"mark_id": mark.pk, "old": old, "new": new_value},
    )
    return correction


# ---------------------------------------------------------------- period marks


@dataclass(frozen=True)
class MarkDue:
    """The last day for a kind of period mark and where it comes from (MRK-3)."""

    opens_on: dt.date
    due_on: dt.date
    source: str  # Russian: «приказ № 45 от 01.10.2026» or «по положению»
    order_number: str = ""


def _default_period_days(rules: Rules) -> int:
    return int(getattr(rules, "period_marks_due_days", DEFAULT_PERIOD_MARKS_DUE_DAYS))


def period_mark_due(
    kind: str,
    assignment: TeachingAssignment,
    period: ReportingPeriod | None,
    *,
    deadlines: dict[tuple[str, int | None], MarkDeadline] | None = None,
    last_period_end: dt.date | None = None,
) -> MarkDue:
    """When period marks of `kind` open and close for the assignment (MRK-3).

    The deadline of the school's order (`MarkDeadline`, set by the deputy) wins; else the
    date stored on the period or year; else the regulation's default: a week after the
    period ends, the year's last day for year, exam and final marks. Marks open two weeks
    before the period ends (year, exam, final: before the grade's last period ends), or two
    weeks before an earlier deadline. `deadlines` may carry the year's rows already read
    (key: kind, period id) and `last_period_end` the end of the last period, already
    known, to spare a query per call.
    """
    if kind == PeriodMark.Kind.PERIOD and period:
        end = period.ends_on
    else:
        end = last_period_end or grade_last_period_end(assignment)
    window = dt.timedelta(days=PERIOD_MARKS_OPEN_DAYS)
    due = _period_mark_due_on(kind, assignment, period, deadlines=deadlines)
    # Open from two weeks before the (last) period ends, and never less than two weeks
    # before the deadline, so an early deadline of the school's order still has a window.
    return MarkDue(min(end - window, due.due_on - window), due.due_on, due.source, due.order_number)


def grade_last_period_end(assignment: TeachingAssignment) -> dt.date:
    """The end of the last period of the assignment's grade in its year (year, exam and
    final marks are given when it ends, not at the year's formal end on 31 August). One
    query: a caller asking for several kinds reads it once and passes it on."""
    year = assignment.year
    class_group = assignment.class_group if assignment.class_group_id else None
    periods = ReportingPeriod.objects.filter(year_id=year.pk)
    if class_group is not None:
        periods = periods.filter(grade_from__lte=class_group.grade, grade_to__gte=class_group.grade)
    return periods.aggregate(end=Max("ends_on"))["end"] or year.ends_on


def _period_mark_due_on(
    kind: str,
    assignment: TeachingAssignment,
    period: ReportingPeriod | None,
    *,
    deadlines: dict[tuple[str, int | None], MarkDeadline] | None,
) -> MarkDue:
    """The deadline part of `period_mark_due` (which replaces this `opens_on`)."""
    year = assignment.year
    opens = year.starts_on
    key = (kind, period.pk if (kind == PeriodMark.Kind.PERIOD and period) else None)
    if deadlines is None:
        row = (
            MarkDeadline.objects.filter(year_id=year.pk, kind=kind, period_id=key[1]).first()
            if kind in PeriodMark.Kind.values
            else None
        )
    else:
        row = deadlines.get(key)
    if row is not None:
        return MarkDue(
            opens,
            row.due_on,
            f"приказ № {row.order_number} от {row.order_date:%d.%m.%Y}",
            row.order_number,
        )
    if kind == PeriodMark.Kind.PERIOD and period is not None:
        if period.marks_due:
            return MarkDue(opens, period.marks_due, "срок периода")
        days = _default_period_days(current_rules())
        return MarkDue(opens, period.ends_on + dt.timedelta(days=days), "по положению")
    stored = {
        PeriodMark.Kind.YEAR: year.year_marks_due,
        PeriodMark.Kind.EXAM: year.exam_marks_due,
        PeriodMark.Kind.FINAL: year.final_marks_due,
    }.get(kind)  # type: ignore[call-overload]
    if stored:
        return MarkDue(opens, stored, "срок учебного года")
    return MarkDue(opens, year.ends_on, "по положению")


def period_marks_close_on(
    period: ReportingPeriod, *, deadlines: dict[tuple[str, int | None], MarkDeadline] | None = None
) -> dt.date:
    """The last day for a reporting period's period marks (the school order's deadline,
    else the period's own, else the regulation's default after its end): the day after it
    the period is closed -- its marks are final (MRK-3)."""
    key = (PeriodMark.Kind.PERIOD.value, period.pk)
    if deadlines is None:
        row = MarkDeadline.objects.filter(kind=PeriodMark.Kind.PERIOD, period_id=period.pk).first()
    else:
        row = deadlines.get(key)
    if row is not None:
        return row.due_on
    if period.marks_due:
        return period.marks_due
    return period.ends_on + dt.timedelta(days=_default_period_days(current_rules()))


def year_deadlines(year_id: int) -> dict[tuple[str, int | None], MarkDeadline]:
    """The school order's deadlines of a year, keyed for `period_mark_due`. One query."""
    return {(d.kind, d.period_id): d for d in MarkDeadline.objects.filter(year_id=year_id)}


def period_mark_state(due: MarkDue, today: dt.date) -> str:
    """'early' (not yet open), 'open', or 'locked' (after the deadline)."""
    if today < due.opens_on:
        return "early"
    if today > due.due_on:
        return "locked"
    return "open"


@transaction.atomic
def mark_deadline_set(
    *,
    year: AcademicYear,
    kind: str,
    due_on: dt.date,
    order_number: str,
    order_date: dt.date,
    period: ReportingPeriod | None = None,
    by: Any,
) -> MarkDeadline:
    """The deputy records the school order's deadline for a kind of period mark (MRK-3).

    A period's marks get one deadline per period; year, exam and final marks one per year.
    Setting it again replaces the date (the order that changed it is recorded).
    """
    require_roles(
        scope_for(by),
        {roles.DEPUTY, roles.DIRECTOR},
        "Сроки выставления отметок устанавливает заместитель директора.",
    )
    year_must_be_open(year.pk)
    errors: dict[str, list[str]] = {}
    if kind not in PeriodMark.Kind.values:
        errors["kind"] = ["Вид отметок: за период, годовые, экзаменационные, итоговые."]
    if kind == PeriodMark.Kind.PERIOD:
        if period is None:
            errors["period_id"] = ["Укажите отчётный период."]
        elif period.year_id != year.pk:
            errors["period_id"] = ["Этот период не относится к учебному году."]
        elif due_on < period.ends_on:
            errors["due_on"] = [
                f"Срок не может быть раньше окончания периода ({period.ends_on:%d.%m.%Y})."
            ]
    elif period is not None:
        errors["period_id"] = ["Годовые, экзаменационные и итоговые отметки — без периода."]
    elif due_on < year.starts_on:
        errors["due_on"] = ["Срок раньше начала учебного года."]
    if not (order_number or "").strip():
        errors["order_number"] = ["Укажите номер приказа."]
    if errors:
        raise ValidationError(errors)
    row, _ = MarkDeadline.objects.update_or_create(
        year=year,
        kind=kind,
        period=period if kind == PeriodMark.Kind.PERIOD else None,
        defaults={
            "due_on": due_on,
            "order_number": order_number.strip(),
            "order_date": order_date,
            "set_by": by,
        },
    )
    return row


@transaction.atomic
def period_mark_create(
    *,
    pupil: Pupil,
    assignment: TeachingAssignment,
    kind: str,
    value: str,
    period: ReportingPeriod | None = None,
    by: Any,
) -> PeriodMark:
    """Period, year, exam and final marks within the deadlines of the school's order (MRK-3)."""
    scope = scope_for(by)
    if scope.is_pupil or assignment.pk not in scope.assignment_ids:
        raise deny("Итоговые отметки выставляет учитель, ведущий предмет.")
    year_must_be_open(assignment.year_id, scope=scope)
    rules = current_rules()
    errors: dict[str, list[str]] = {}
    if assignment.class_group.grade in rules.grades_without_marks:
        errors["value"] = ["В классах безотметочного обучения итоговые отметки не выставляются."]
    allowed = [str(v) for v in rules.mark_scale] + list(SPECIAL_PERIOD_VALUES)
    if value not in allowed:
        errors["value"] = [f"Недопустимое значение: {', '.join(allowed)}."]
    if kind not in PeriodMark.Kind.values:
        errors["kind"] = ["Вид отметки: за период, годовая, экзаменационная, итоговая."]
    if kind == PeriodMark.Kind.PERIOD:
        if period is None:
            errors["period_id"] = ["Укажите отчётный период."]
        elif not (
            period.year_id == assignment.year_id
            and period.grade_from <= assignment.class_group.grade <= period.grade_to
        ):
            errors["period_id"] = ["Этот период не относится к классу."]
    if pupil.class_group_id != assignment.class_group_id:
        errors["pupil_id"] = ["Обучающийся не учится в этом классе."]
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    due = period_mark_due(kind, assignment, period)
    state = period_mark_state(due, today)
    if state == "early":
        raise ApplicationError(
            f"Рано: отметку можно выставить не ранее {due.opens_on:%d.%m.%Y}.",
            field_errors={"value": ["Период ещё не заканчивается."]},
        )
    if state == "locked":
        raise ApplicationError(
            f"Срок выставления отметки истёк {due.due_on:%d.%m.%Y} (приказ школы).",
            field_errors={"value": ["Срок выставления истёк."]},
        )
    exists = PeriodMark.objects.filter(pupil=pupil, assignment=assignment, kind=kind)
    if kind == PeriodMark.Kind.PERIOD:
        exists = exists.filter(period=period)
    if exists.exists():
        raise ValidationError({"value": ["Эта отметка уже выставлена."]})
    mark = PeriodMark.objects.create(
        pupil=pupil, assignment=assignment, period=period, kind=kind, value=value, entered_by=by
    )
    signals.period_mark_saved.send(sender=PeriodMark, period_mark=mark)
    access_log(user=by, action="create", what="register.period_mark", pupil_ids=[pupil.pk])
    return mark


@dataclass(frozen=True)
class PeriodMarkInput:
    pupil_id: int
    value: str


@transaction.atomic
def period_marks_save(
    *,
    assignment: TeachingAssignment,
    kind: str,
    marks: Sequence[PeriodMarkInput],
    period: ReportingPeriod | None = None,
    by: Any,
) -> list[PeriodMark]:
    """A sheet's worth of period (or year, exam) marks at once, all or nothing (MRK-3).

    Each mark goes through `period_mark_create` (deadline, scale, special values, class,
    once); the problems of every line are reported together under `marks[i]`.
    """
    scope = scope_for(by)
    if scope.is_pupil or assignment.pk not in scope.assignment_ids:
        raise deny("Итоговые отметки выставляет учитель, ведущий предмет.")
    # Before the class check: once a year is closed its pupils have moved on, and the sheet
    # must answer that the year is closed (409), not that nobody is in the class (YEAR-1).
    year_must_be_open(assignment.year_id, scope=scope)
    if not marks:
        raise ValidationError({"marks": ["Нет ни одной отметки."]})
    pupils = {
        p.pk: p
        for p in Pupil.objects.filter(
            id__in=[m.pupil_id for m in marks], class_group_id=assignment.class_group_id
        )
    }
    errors: dict[str, list[str]] = {}
    saved: list[PeriodMark] = []
    for index, item in enumerate(marks):
        pupil = pupils.get(item.pupil_id)
        if pupil is None:
            errors[f"marks[{index}]"] = ["Обучающийся не учится в этом классе."]
            continue
        try:
            with transaction.atomic():
                saved.append(
                    period_mark_create(
                        pupil=pupil,
                        assignment=assignment,
                        kind=kind,
                        value=item.value,
                        period=period,
                        by=by,
                    )
                )
        except ValidationError as exc:
            errors[f"marks[{index}]"] = [m for ms in exc.message_dict.values() for m in ms]
    if errors:
        raise ValidationError(errors)
    return saved


@transaction.atomic
def year_sheet_save(
    *,
    assignment: TeachingAssignment,
    marks: Mapping[str, Sequence[PeriodMarkInput]],
    by: Any,
) -> list[PeriodMark]:
    """The year sheet's year and exam marks (`marks`: kind → lines) at once, all or nothing
    (MRK-3). Each kind goes through `period_marks_save`; the problems of every line are
    reported together under `<kind>[i]` (a deadline refusal stops the whole save)."""
    if not any(marks.values()):
        raise ValidationError({"marks": ["Нет ни одной отметки."]})
    errors: dict[str, list[str]] = {}
    saved: list[PeriodMark] = []
    for kind, items in marks.items():
        if kind not in (PeriodMark.Kind.YEAR, PeriodMark.Kind.EXAM):
            raise ValidationError({"kind": ["На годовой ведомости — годовые и экзаменационные."]})
        if not items:
            continue
        try:
            with transaction.atomic():
                saved += period_marks_save(assignment=assignment, kind=kind, marks=items, by=by)
        except ValidationError as exc:
            for key, texts in exc.message_dict.items():
                errors[key.replace("marks[", f"{kind}[", 1)] = texts
    if errors:
        raise ValidationError(errors)
    return saved


# ---------------------------------------------------------------- final marks (MRK-3)

# How a final mark (итоговая) follows from the year and exam marks. The regulation may name
# its rule as `final_mark_rule`; without it the default below applies (the attestation
# rule: the mean of the year and exam marks, rounded half up; no exam: the year mark).
FINAL_RULE_YEAR = "year"
FINAL_RULE_YEAR_EXAM_MEAN = "year_exam_mean"
DEFAULT_FINAL_RULE = FINAL_RULE_YEAR_EXAM_MEAN


def final_mark_rule(rules: Rules) -> str:
    rule = str(getattr(rules, "final_mark_rule", DEFAULT_FINAL_RULE))
    return rule if rule in (FINAL_RULE_YEAR, FINAL_RULE_YEAR_EXAM_MEAN) else DEFAULT_FINAL_RULE


def derive_final(year_value: str | None, exam_value: str | None, rule: str) -> str | None:
    """The final mark the adopted rule gives, or None when it cannot be derived yet.

    No year mark: none. A special year value (н/а, зач, осв) carries over. Rule «year»: the
    year mark. Rule «year_exam_mean»: with a numeric exam mark, (year + exam) / 2 rounded
    half up (4 and 5 give 5, 3 and 4 give 4); a special exam value gives none (the teacher
    decides); no exam: the year mark.
    """
    if not year_value:
        return None
    if not year_value.isdigit() or rule == FINAL_RULE_YEAR or exam_value is None:
        return year_value
    if not exam_value.isdigit():
        return None
    total = int(year_value) + int(exam_value)
    return str(total // 2 + total % 2)


@dataclass(frozen=True)
class FinalProposal:
    pupil_id: int
    year: str | None
    exam: str | None
    final: str | None  # already given
    proposed: str | None


def final_mark_proposals(
    assignment: TeachingAssignment, pupil_ids: Sequence[int]
) -> dict[int, FinalProposal]:
    """Year, exam and final marks of the pupils with the final mark the rule proposes."""
    rule = final_mark_rule(current_rules())
    got: dict[tuple[int, str], str] = {
        (pid, kind): value
        for pid, kind, value in PeriodMark.objects.filter(
            assignment=assignment, pupil_id__in=list(pupil_ids), kind__in=["year", "exam", "final"]
        ).values_list("pupil_id", "kind", "value")
    }
    return {
        pid: FinalProposal(
            pupil_id=pid,
            year=got.get((pid, "year")),
            exam=got.get((pid, "exam")),
            final=got.get((pid, "final")),
            proposed=derive_final(got.get((pid, "year")), got.get((pid, "exam")), rule),
        )
        for pid in pupil_ids
    }


@transaction.atomic
def final_marks_confirm(
    *, assignment: TeachingAssignment, pupil_ids: Sequence[int], by: Any
) -> list[PeriodMark]:
    """The teacher confirms the final marks the adopted rule proposes (MRK-3).

    All or nothing: a pupil with no proposal (no year mark, or a special exam value) or
    with a final mark already given is refused with the reason; the marks are written by
    `period_mark_create`, so its deadline and checks apply.
    """
    scope = scope_for(by)
    if scope.is_pupil or assignment.pk not in scope.assignment_ids:
        raise deny("Итоговые отметки выставляет учитель, ведущий предмет.")
    year_must_be_open(assignment.year_id, scope=scope)
    ids = list(dict.fromkeys(pupil_ids))
    if not ids:
        raise ValidationError({"pupil_ids": ["Не выбран ни один обучающийся."]})
    pupils = {
        p.pk: p for p in Pupil.objects.filter(id__in=ids, class_group_id=assignment.class_group_id)
    }
    proposals = final_mark_proposals(assignment, ids)
    errors: dict[str, list[str]] = {}
    for index, pid in enumerate(ids):
        proposal = proposals[pid]
        if pid not in pupils:
            errors[f"pupil_ids[{index}]"] = ["Обучающийся не учится в этом классе."]
        elif proposal.final is not None:
            errors[f"pupil_ids[{index}]"] = ["Итоговая отметка уже выставлена."]
        elif proposal.proposed is None:
            errors[f"pupil_ids[{index}]"] = [
                "Нет годовой отметки: итоговую вывести нельзя."
                if proposal.year is None
                else "Итоговая отметка по правилу школы не выводится: выставьте её вручную."
            ]
    if errors:
        raise ValidationError(errors)
    return [
        period_mark_create(
            pupil=pupils[pid],
            assignment=assignment,
            kind=PeriodMark.Kind.FINAL,
            value=proposals[pid].proposed or "",
            by=by,
        )
        for pid in ids
    ]


@transaction.atomic
def pe_exemption_create(
    *, pupil: Pupil, starts_on: dt.date, ends_on: dt.date, document: str, by: Any
) -> PeExemption:
    """Освобождение от физкультуры (MRK-5): the class teacher or the administration records it."""
    scope = scope_for(by)
    if not (scope.whole_school or pupil.class_group_id in scope.class_ids):
        raise deny("Освобождение вносит классный руководитель или администрация.")
    class_year_must_be_open(pupil.class_group_id)
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = ["Дата окончания раньше даты начала."]
    if not (document or "").strip():
        errors["document"] = ["Укажите справку (номер, дата, кем выдана)."]
    if errors:
        raise ValidationError(errors)
    exemption = PeExemption.objects.create(
        pupil=pupil, starts_on=starts_on, ends_on=ends_on, document=document.strip(), recorded_by=by
    )
    access_log(user=by, action="create", what="register.pe_exemption", pupil_ids=[pupil.pk])
    return exemption


# ---------------------------------------------------------------- attendance


@dataclass(frozen=True)
class AttendanceInput:
    pupil_id: int
    code: str | None  # None: present


TEACHER_CODES = (Attendance.Code.UNEXCUSED, Attendance.Code.LATE)
REASON_CODES = (Attendance.Code.ILL, Attendance.Code.EXCUSED, Attendance.Code.UNEXCUSED)


@transaction.atomic
def attendance_save(
    *, lesson: Lesson, entries: Sequence[AttendanceInput], by: Any
) -> list[Attendance]:
    """A whole lesson's attendance at once (ATT-1): the teacher marks «Н» (absent) or «О».

    A reason the class teacher already set («Б», «У») is kept when the pupil is still absent.
    """
    scope = scope_for(by)
    _require_lesson_writer(scope, lesson)
    rules = current_rules()
    window = lesson_entry_window(rules, lesson, timezone.now())
    if window in ("future", "closed"):
        raise ApplicationError(
            "Посещаемость отмечается в день урока."
            if window == "future"
            else f"Срок отметки посещаемости за {lesson.date:%d.%m.%Y} истёк.",
            field_errors={"entries": ["Посещаемость за этот урок сейчас не вносится."]},
        )
    on_list = lesson_pupils(lesson)
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, e in enumerate(entries):
        if e.pupil_id not in on_list:
            errors[f"entries[{index}]"] = ["Обучающегося нет в списке на дату урока."]
        elif e.pupil_id in seen:
            errors[f"entries[{index}]"] = ["Обучающийся указан дважды."]
        elif e.code is not None and e.code not in TEACHER_CODES:
            errors[f"entries[{index}]"] = [
                "Учитель отмечает «Н» (отсутствовал) или «О» (опоздал); причину указывает "
                "классный руководитель."
            ]
        seen.add(e.pupil_id)
    if errors:
        raise ValidationError(errors)
    existing = {a.pupil_id: a for a in Attendance.objects.filter(lesson=lesson)}
    present = [e.pupil_id for e in entries if e.code is None and e.pupil_id in existing]
    if present:
        Attendance.objects.filter(lesson=lesson, pupil_id__in=present).delete()
    rows = []
    for e in entries:
        if e.code is None:
            continue
        old = existing.get(e.pupil_id)
        code = (
            old.code
            if (old and old.reason_by_id and e.code == Attendance.Code.UNEXCUSED)
            else e.code
        )
        rows.append(Attendance(lesson=lesson, pupil_id=e.pupil_id, code=code, marked_by=by))
    saved = Attendance.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["lesson", "pupil"],
        update_fields=["code", "marked_by", "updated_at"],
    )
    signals.attendance_saved.send(
        sender=Attendance, lesson=lesson, attendance=saved, present=present
    )
    access_log(
        user=by,
        action="change",
        what="register.attendance",
        pupil_ids=[e.pupil_id for e in entries],
        details={"lesson_id": lesson.pk},
    )
    return saved


@transaction.atomic
def attendance_reason_set(
    *, attendance: Attendance, code: str, note: str = "", by: Any
) -> Attendance:
    """The class teacher sets the reason: «Б», «У» or «Н» (ATT-1, 004 §7.4)."""
    scope = scope_for(by)
    pupil = attendance.pupil
    if not (scope.whole_school or pupil.class_group_id in scope.class_ids) or scope.is_pupil:
        raise deny("Причину пропуска указывает классный руководитель.")
    lesson_year_must_be_open(attendance.lesson_id)
    if code not in REASON_CODES:
        raise ValidationError(
            {"code": ["Причина: «Б» (болезнь), «У» (уважительная), «Н» (неуважительная)."]}
        )
    if attendance.code == Attendance.Code.LATE:
        raise ValidationError({"code": ["Для опоздания причина не указывается."]})
    attendance.code = code
    attendance.reason_by = by
    attendance.reason_note = note.strip()
    attendance.save(update_fields=["code", "reason_by", "reason_note", "updated_at"])
    signals.attendance_saved.send(
        sender=Attendance, lesson=attendance.lesson, attendance=[attendance], present=[]
    )
    access_log(user=by, action="change", what="register.attendance_reason", pupil_ids=[pupil.pk])
    return attendance


# ---------------------------------------------------------------- homework files (LES-1)

# Extension → (content type, signatures of the first bytes; empty: a text check instead).
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
_ZIP = (b"PK\x03\x04",)
HOMEWORK_FILE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ZIP,
    ),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    "rtf": ("application/rtf", (b"{\\rtf",)),
    "txt": ("text/plain", ()),
}
_SNIFF_BYTES = 4096
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f\"<>:|?*]")


def homework_file_name(raw: str) -> str:
    """The user's file name made safe to show and to put in Content-Disposition: the last
    path component only (no `../`, no folders of the uploader's disk), no control
    characters or quotes, at most 200 characters with the extension kept."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "файл"


def _sniff_ok(ext: str, head: bytes) -> bool:
    _ctype, signatures = HOMEWORK_FILE_TYPES[ext]
    if ext == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if signatures:
        return any(head.startswith(sig) for sig in signatures)
    return b"\x00" not in head  # plain text: no NUL bytes in the first block


def _homework_refusal(rules: Rules, lesson: Lesson) -> str | None:
    """LES-3 and the lesson's window, the same rules as the homework text (lesson_update)."""
    if _grade_without_marks(rules, lesson):
        return (
            f"В {lesson.assignment.class_group.grade} классе (безотметочное обучение) "
            "домашние задания не задаются."
        )
    if homework_window(rules, lesson, timezone.now()) == "closed":
        return "Срок внесения домашнего задания к этому уроку истёк."
    return None


@atomic_with_files()
def homework_attachment_add(*, lesson: Lesson, upload: UploadedFile, by: Any) -> HomeworkAttachment:
    """Attach a file to the lesson's homework (LES-1), stored in the school's own folder.

    Only who may write the lesson (its teacher or a granted substitute); not in a grade
    taught without marks (LES-3) nor after the lesson's window closed; at most
    HOMEWORK_FILE_MAX_BYTES and HOMEWORK_FILES_PER_LESSON files; a PDF, an image, an office
    document or plain text whose first bytes match its extension. Nothing is written when
    refused.
    """
    scope = scope_for(by)
    _require_lesson_writer(scope, lesson)
    refusal = _homework_refusal(current_rules(), lesson)
    if refusal:
        raise ValidationError({"file": [refusal]})
    name = homework_file_name(upload.name or "")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    limit = settings.HOMEWORK_FILE_MAX_BYTES
    size = upload.size or 0
    if ext not in HOMEWORK_FILE_TYPES:
        raise ValidationError(
            {
                "file": [
                    "Можно прикрепить PDF, изображение (JPG, PNG, GIF, WEBP), документ "
                    "Word/Excel/PowerPoint/OpenDocument, RTF или текстовый файл."
                ]
            }
        )
    if size == 0:
        raise ValidationError({"file": ["Файл пустой."]})
    if size > limit:
        raise ValidationError(
            {"file": [f"Файл слишком большой: не более {limit / 1024 / 1024:g} МБ."]}
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    if not _sniff_ok(ext, head):
        raise ValidationError(
            {"file": [f"Содержимое файла не похоже на {ext.upper()}: проверьте файл."]}
        )
    # Lock the lesson row: two uploads at once must not both pass the per-lesson limit.
    Lesson.objects.select_for_update().filter(pk=lesson.pk).first()
    if HomeworkAttachment.objects.filter(lesson=lesson).count() >= (
        settings.HOMEWORK_FILES_PER_LESSON
    ):
        raise ValidationError(
            {
                "file": [
                    f"К уроку можно прикрепить не более {settings.HOMEWORK_FILES_PER_LESSON} "
                    "файлов."
                ]
            }
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = HomeworkAttachment(
        lesson=lesson,
        original_name=name,
        content_type=HOMEWORK_FILE_TYPES[ext][0],
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    attachment.file.save("upload", upload, save=False)
    # Deleted again if this block, or the Idempotency-Key middleware's around the view,
    # rolls back (core.storage_tx): no file is left that no row points at.
    delete_on_rollback(attachment.file.storage, attachment.file.name or "")
    attachment.save()
    return attachment


@transaction.atomic
def homework_attachment_remove(*, attachment: HomeworkAttachment, by: Any) -> None:
    """Remove a homework file: the row now, the file once the transaction commits.

    Who may write the lesson may remove its files at any time (a file attached by mistake
    must be removable even after the lesson's window closed).
    """
    lesson = attachment.lesson
    _require_lesson_writer(scope_for(by), lesson)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def lesson_entries_save(
    *,
    lesson: Lesson,
    marks: Sequence[MarkInput],
    attendance: Sequence[AttendanceInput],
    by: Any,
) -> list[Mark]:
    """A lesson's column from the journal grid at once (MRK-1, ATT-1): its marks and its
    attendance, all or nothing. Each part keeps its own rules (`marks_save`,
    `attendance_save`); a refusal of either saves neither. Returns the saved marks."""
    saved = marks_save(lesson=lesson, marks=marks, by=by) if marks else []
    if attendance:
        attendance_save(lesson=lesson, entries=attendance, by=by)
    return saved


# ---------------------------------------------------------------- reporting periods (SET-1)
# Here rather than in structure: changing a period's dates must not strand the lessons and
# period marks already given in it, and the register is what knows them.

_SHOWN_DATES = 5


def _dates_outside(old: tuple[dt.date, dt.date], new: tuple[dt.date, dt.date]) -> Q:
    """Days of the old range the new one no longer covers, as a Q on a `date` field."""
    (old_start, old_end), (new_start, new_end) = old, new
    in_old = Q(date__gte=old_start, date__lte=old_end)
    return in_old & (Q(date__lt=new_start) | Q(date__gt=new_end))


@transaction.atomic
def reporting_period_update(
    *, period: ReportingPeriod, starts_on: dt.date, ends_on: dt.date, by: Any
) -> ReportingPeriod:
    """Change the dates of a reporting period (SET-1).

    Refused with a Russian error: the end before the start, dates outside the school year,
    an overlap with another period of the year for the same grades, and a shortening that
    would leave conducted lessons outside every period of their grade, or one of a period
    with period marks already set (the marks were given for the old dates).
    """
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(period.year_id)
    # One editor of a year's periods at a time: overlaps are checked against locked rows.
    siblings = list(
        ReportingPeriod.objects.select_for_update().filter(year_id=period.year_id).order_by("id")
    )
    current = next(p for p in siblings if p.pk == period.pk)
    others = [p for p in siblings if p.pk != period.pk]
    year = AcademicYear.objects.get(pk=period.year_id)
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = ["Окончание периода раньше его начала."]
    if starts_on < year.starts_on or ends_on > year.ends_on:
        errors["starts_on"] = [
            f"Период должен быть внутри учебного года {year.title} "
            f"({year.starts_on:%d.%m.%Y}–{year.ends_on:%d.%m.%Y})."
        ]
    if errors:
        raise ValidationError(errors)
    clashes = [
        p
        for p in others
        if p.grade_from <= current.grade_to
        and current.grade_from <= p.grade_to
        and p.starts_on <= ends_on
        and starts_on <= p.ends_on
    ]
    if clashes:
        errors["starts_on"] = [
            f"Даты пересекаются с периодом «{p.title}» ({p.grade_from}–{p.grade_to} кл., "
            f"{p.starts_on:%d.%m.%Y}–{p.ends_on:%d.%m.%Y})."
            for p in clashes
        ]
        raise ValidationError(errors)
    old, new = (current.starts_on, current.ends_on), (starts_on, ends_on)
    shortened = starts_on > current.starts_on or ends_on < current.ends_on
    if shortened:
        marks = PeriodMark.objects.filter(period_id=current.pk).count()
        if marks:
            errors["ends_on"] = [
                f"По периоду «{current.title}» уже выставлено итоговых отметок: {marks}. "
                "Сократить период нельзя: отметки выставлены за прежние даты."
            ]
        lessons = Lesson.objects.filter(
            _dates_outside(old, new),
            assignment__year_id=current.year_id,
            assignment__class_group__grade__gte=current.grade_from,
            assignment__class_group__grade__lte=current.grade_to,
        )
        stranded = []
        for lesson in lessons.select_related("assignment__class_group", "assignment__subject"):
            grade = lesson.assignment.class_group.grade
            if not any(
                p.grade_from <= grade <= p.grade_to and p.starts_on <= lesson.date <= p.ends_on
                for p in others
            ):
                stranded.append(lesson)
        if stranded:
            stranded.sort(key=lambda x: (x.date, x.slot, x.pk))
            shown = ", ".join(
                f"{x.date:%d.%m.%Y} {x.assignment.class_group.title} {x.assignment.subject.title}"
                for x in stranded[:_SHOWN_DATES]
            )
            more = "…" if len(stranded) > _SHOWN_DATES else ""
            errors.setdefault("ends_on", []).append(
                f"Уроков окажется вне всех периодов: {len(stranded)} ({shown}{more}). "
                "Сначала перенесите их или расширьте соседний период."
            )
        if errors:
            raise ValidationError(errors)
    current.starts_on, current.ends_on = starts_on, ends_on
    current.save(update_fields=["starts_on", "ends_on"])
    return current
