"""Lessons, marks and attendance: the journal itself (LES, MRK, ATT).

Marks and their corrections are append-only: PostgreSQL triggers (django-pgtrigger,
installed by this app's migrations and copied into every cloned school) refuse UPDATE,
DELETE and TRUNCATE. A mistake is mended by a `MarkCorrection` row (MRK-2).
"""

from __future__ import annotations

import uuid

import pgtrigger
from django.conf import settings
from django.db import connection, models
from django.db.models import Q

from core.models import TimeStampedModel
from journal.base import JournalModel, append_only_triggers
from journal.permissions import SUBSTITUTE_LESSON

CLOSED_YEAR_MESSAGE = "Учебный год закрыт: его записи доступны только для чтения (YEAR-1)"
_YEAR_OF_ASSIGNMENT = (
    "SELECT year_id FROM structure_teachingassignment WHERE id = {row}.assignment_id"
)
_YEAR_OF_LESSON = (
    "SELECT a.year_id FROM register_lesson l JOIN structure_teachingassignment a "
    "ON a.id = l.assignment_id WHERE l.id = {row}.lesson_id"
)
_YEAR_OF_MARK = (
    "SELECT a.year_id FROM register_mark m JOIN register_lesson l ON l.id = m.lesson_id "
    "JOIN structure_teachingassignment a ON a.id = l.assignment_id WHERE m.id = {row}.mark_id"
)


def closed_year_trigger(prefix: str, year_of_row: str) -> pgtrigger.Trigger:
    """Defence in depth behind `journal.structure.closing.year_must_be_open` (YEAR-1): the
    database itself refuses to insert, change or delete a row of a closed school year
    (one with a `yearend_yearclosing` row), whatever code tries. `year_of_row` is a query
    giving the row's year from `{row}` (NEW or OLD)."""
    old, new = year_of_row.format(row="OLD"), year_of_row.format(row="NEW")
    return pgtrigger.Trigger(
        name=f"{prefix}_closed_year",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[("row_years", "bigint[]")],
        func=(
            f"IF TG_OP = 'INSERT' THEN row_years := ARRAY[({new})];"  # noqa: S608 - constant SQL of this module
            f" ELSIF TG_OP = 'DELETE' THEN row_years := ARRAY[({old})];"
            f" ELSE row_years := ARRAY[({old}), ({new})]; END IF;"
            " IF EXISTS (SELECT 1 FROM yearend_yearclosing WHERE year_id = ANY(row_years)) THEN"
            f" RAISE EXCEPTION '{CLOSED_YEAR_MESSAGE}' USING ERRCODE = 'P0001'; END IF;"
            " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"
        ),
    )


class Lesson(TimeStampedModel):
    """Урок: one dated occurrence of a teaching assignment (LES-1)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "Урок"
        PRACTICAL = "practical", "Практическая работа"
        LAB = "lab", "Лабораторная работа"
        TEST = "test", "Контрольная работа"
        EXCURSION = "excursion", "Экскурсия"

    assignment = models.ForeignKey(
        "structure.TeachingAssignment", models.PROTECT, related_name="lessons"
    )
    date = models.DateField("дата")
    slot = models.PositiveSmallIntegerField("урок №")
    kind = models.CharField("вид урока", max_length=16, choices=Kind.choices, default="regular")
    topic = models.CharField("тема урока", max_length=500, blank=True)
    work_topic = models.CharField(
        "тема практической/лабораторной/контрольной работы", max_length=500, blank=True
    )
    homework = models.TextField("домашнее задание", blank=True)
    plan_item = models.ForeignKey(
        "planning.ThematicPlanItem", models.SET_NULL, null=True, blank=True, related_name="lessons"
    )
    # Замена (ROLE-3): who replaced whom, and who granted it.
    substitute = models.ForeignKey(
        "structure.StaffMember", models.PROTECT, null=True, blank=True, related_name="+"
    )
    substituted_teacher = models.ForeignKey(
        "structure.StaffMember", models.PROTECT, null=True, blank=True, related_name="+"
    )
    substitution_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    substitution_granted_at = models.DateTimeField(null=True, blank=True)
    substitution_reason = models.CharField(
        "причина замены", max_length=300, blank=True
    )  # журнал замещения (ROLE-5, 000 §3.9)

    class Meta:
        verbose_name = "урок"
        verbose_name_plural = "уроки"
        ordering = ["date", "slot"]
        permissions = [(SUBSTITUTE_LESSON, "Замещает урок")]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "date", "slot"], name="lesson_unique"),
        ]
        indexes = [models.Index(fields=["assignment", "date"])]
        triggers = [closed_year_trigger("lesson", _YEAR_OF_ASSIGNMENT)]


class WorkKind(JournalModel):
    """Вид работы with its weight; the school's list, seeded from the template (MRK-1)."""

    code = models.SlugField("код", max_length=32, unique=True)
    title = models.CharField("вид работы", max_length=200)
    weight = models.PositiveSmallIntegerField("вес")
    is_theoretical = models.BooleanField(
        "теоретическая (допустима при освобождении от физкультуры)", default=True
    )
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "вид работы"
        verbose_name_plural = "виды работ"
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=10), name="wk_weight"),
        ]

    def __str__(self) -> str:
        return self.title


class Mark(JournalModel):
    """Отметка. Append-only (MRK-2): see `MarkCorrection`."""

    lesson = models.ForeignKey(Lesson, models.PROTECT, related_name="marks")
    pupil = models.ForeignKey("roster.Pupil", models.PROTECT, related_name="marks")
    value = models.PositiveSmallIntegerField("отметка")
    work_kind = models.ForeignKey(WorkKind, models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField("вес")  # frozen at entry time
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("внесена", auto_now_add=True)
    as_substitute = models.BooleanField("внесена замещающим учителем", default=False)
    is_late_entry = models.BooleanField("внесена задним числом (в пределах окна)", default=False)

    class Meta:
        verbose_name = "отметка"
        verbose_name_plural = "отметки"
        indexes = [models.Index(fields=["lesson", "pupil"]), models.Index(fields=["pupil"])]
        triggers = [*append_only_triggers("mark"), closed_year_trigger("mark", _YEAR_OF_LESSON)]


class MarkCorrection(JournalModel):
    """Исправление отметки: who, when, why, old → new (None: the mark is annulled)."""

    mark = models.ForeignKey(Mark, models.PROTECT, related_name="corrections")
    old_value = models.PositiveSmallIntegerField("было", null=True)
    new_value = models.PositiveSmallIntegerField("стало", null=True, blank=True)
    reason = models.CharField("причина", max_length=500)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "исправление отметки"
        verbose_name_plural = "исправления отметок"
        ordering = ["mark", "corrected_at", "id"]
        triggers = [
            *append_only_triggers("markcorr"),
            closed_year_trigger("markcorr", _YEAR_OF_MARK),
        ]


class PeriodMarkValue:
    """The special values a period, year, exam or final mark may take besides the scale."""

    NOT_ATTESTED = "н/а"  # не аттестован
    PASSED = "зач"  # зачтено
    NOT_PASSED = "незач"  # не зачтено
    EXEMPT = "осв"  # освобождён
    SPECIAL = (NOT_ATTESTED, PASSED, NOT_PASSED, EXEMPT)
    # An academic debt (академическая задолженность, YEAR-1): an unsatisfactory mark or none.
    DEBTS = ("2", NOT_ATTESTED, NOT_PASSED)


class PeriodMark(JournalModel):
    """Четвертная/полугодовая, годовая, экзаменационная, итоговая отметка (MRK-3)."""

    class Kind(models.TextChoices):
        PERIOD = "period", "За период"
        YEAR = "year", "Годовая"
        EXAM = "exam", "Экзаменационная"
        FINAL = "final", "Итоговая"

    pupil = models.ForeignKey("roster.Pupil", models.PROTECT, related_name="period_marks")
    assignment = models.ForeignKey(
        "structure.TeachingAssignment", models.PROTECT, related_name="period_marks"
    )
    period = models.ForeignKey(
        "structure.ReportingPeriod", models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("вид", max_length=8, choices=Kind.choices)
    # "2".."5" or a special value of `PeriodMarkValue.SPECIAL`.
    value = models.CharField("отметка", max_length=8)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "итоговая отметка"
        verbose_name_plural = "итоговые отметки"
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "assignment", "period"],
                condition=Q(kind="period"),
                name="period_mark_unique",
            ),
            models.UniqueConstraint(
                fields=["pupil", "assignment", "kind"],
                condition=~Q(kind="period"),
                name="year_mark_unique",
            ),
        ]
        triggers = [
            *append_only_triggers("periodmark"),
            closed_year_trigger("periodmark", _YEAR_OF_ASSIGNMENT),
        ]


class MarkDeadline(JournalModel):
    """Срок выставления отметок по приказу школы (MRK-3, 000 §3.9): the deputy sets, per
    reporting period, the last day for its period marks, and per year the last day for year,
    exam and final marks, with the order (number, date) behind it. Without a row the
    regulation's default applies (see `services.period_mark_due`)."""

    year = models.ForeignKey("structure.AcademicYear", models.CASCADE, related_name="+")
    period = models.ForeignKey(
        "structure.ReportingPeriod", models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("вид отметок", max_length=8, choices=PeriodMark.Kind.choices)
    due_on = models.DateField("последний день выставления")
    order_number = models.CharField("номер приказа", max_length=40)
    order_date = models.DateField("дата приказа")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    set_at = models.DateTimeField("когда установлен", auto_now=True)

    class Meta:
        verbose_name = "срок выставления отметок"
        verbose_name_plural = "сроки выставления отметок"
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=Q(kind="period"), name="mark_deadline_period"
            ),
            models.UniqueConstraint(
                fields=["year", "kind"], condition=~Q(kind="period"), name="mark_deadline_year"
            ),
            models.CheckConstraint(
                condition=(Q(kind="period") & Q(period__isnull=False))
                | (~Q(kind="period") & Q(period__isnull=True)),
                name="mark_deadline_period_iff_kind",
            ),
        ]


class PeExemption(JournalModel):
    """Освобождение от физкультуры: theoretical assessment only (MRK-5)."""

    pupil = models.ForeignKey("roster.Pupil", models.CASCADE, related_name="pe_exemptions")
    starts_on = models.DateField("с")
    ends_on = models.DateField("по")
    document = models.CharField("справка", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "освобождение от физкультуры"
        verbose_name_plural = "освобождения от физкультуры"


class Attendance(JournalModel):
    """Пропуск урока: Б (ill), У (excused), Н (unexcused), О (late) (ATT-1)."""

    class Code(models.TextChoices):
        ILL = "Б", "Болезнь"
        EXCUSED = "У", "Уважительная причина"
        UNEXCUSED = "Н", "Неуважительная причина"
        LATE = "О", "Опоздание"

    lesson = models.ForeignKey(Lesson, models.PROTECT, related_name="attendance")
    pupil = models.ForeignKey("roster.Pupil", models.PROTECT, related_name="attendance")
    code = models.CharField("код", max_length=1, choices=Code.choices)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reason_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason_note = models.CharField("основание", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "посещаемость"
        verbose_name_plural = "посещаемость"
        constraints = [
            models.UniqueConstraint(fields=["lesson", "pupil"], name="attendance_unique"),
        ]
        triggers = [closed_year_trigger("attendance", _YEAR_OF_LESSON)]


def homework_upload_to(instance: HomeworkAttachment, filename: str) -> str:
    """`<schema>/homework/<lesson id>/<uuid>`: each school's files under its own folder.

    The name on disk never comes from the user (no traversal, no clashes); the original
    name is kept in the row and used only in the download's Content-Disposition.
    """
    schema = str(getattr(connection, "schema_name", ""))
    if not schema or schema == "public":
        raise ValueError("Homework files belong to a school: no school schema is active.")
    return f"{schema}/homework/{instance.lesson_id}/{uuid.uuid4().hex}"


class HomeworkAttachment(JournalModel):
    """A file attached to a lesson's homework (LES-1). Never served by a public URL: only
    through the lesson's read check (`selectors.homework_attachment_for_reading`)."""

    lesson = models.ForeignKey(Lesson, models.CASCADE, related_name="homework_files")
    file = models.FileField("файл", upload_to=homework_upload_to, max_length=300)
    original_name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=100)
    size = models.PositiveIntegerField("размер, байт")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("загружен", auto_now_add=True)

    class Meta:
        verbose_name = "файл домашнего задания"
        verbose_name_plural = "файлы домашних заданий"
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="homework_file_not_empty"),
        ]
        triggers = [closed_year_trigger("homework", _YEAR_OF_LESSON)]
