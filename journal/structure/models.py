"""The school's structure (SET-1..3): year, periods, working mode, classes, staff, timetable.

Everything here lives in the school's own schema. Users are `accounts.User` rows of the
same schema; nothing points at the public schema (the adopted regulation is referenced by
its id only, `AcademicYear.rules_version_id`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStampedModel
from journal.base import JournalModel
from journal.permissions import LEAD_CLASS, TEACH_ASSIGNMENT

if TYPE_CHECKING:
    from journal.access import Scope


class AcademicYear(TimeStampedModel):
    """Учебный год with the school's working mode (SET-1)."""

    title = models.CharField("учебный год", max_length=9, unique=True)  # "2024/2025"
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    days_per_week = models.PositiveSmallIntegerField(
        "режим работы (дней в неделю)", choices=[(5, "Пятидневка"), (6, "Шестидневка")], default=5
    )
    is_current = models.BooleanField("текущий", default=False)
    rules_version_id = models.BigIntegerField("версия положения об ЭЖ", null=True, blank=True)
    year_marks_due = models.DateField("срок годовых отметок", null=True, blank=True)
    exam_marks_due = models.DateField("срок экзаменационных отметок", null=True, blank=True)
    final_marks_due = models.DateField("срок итоговых отметок", null=True, blank=True)

    class Meta:
        verbose_name = "учебный год"
        verbose_name_plural = "учебные годы"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="year_dates"
            ),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_year"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReportingPeriod(JournalModel):
    """Четверть / триместр / полугодие for a range of grades (TPL-2, SET-1)."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", "Четверть"
        TRIMESTER = "trimester", "Триместр"
        HALF_YEAR = "half_year", "Полугодие"
        YEAR = "year", "Год"  # a scheme may give a band one period for the whole year

    year = models.ForeignKey(AcademicYear, models.CASCADE, related_name="periods")
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    number = models.PositiveSmallIntegerField("номер")
    title = models.CharField("название", max_length=40)
    grade_from = models.PositiveSmallIntegerField("с параллели", default=1)
    grade_to = models.PositiveSmallIntegerField("по параллель", default=11)
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    marks_due = models.DateField("срок выставления отметок", null=True, blank=True)

    class Meta:
        verbose_name = "отчётный период"
        verbose_name_plural = "отчётные периоды"
        ordering = ["year", "grade_from", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "number", "grade_from"], name="period_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="period_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BellSlot(JournalModel):
    """Расписание звонков: lesson number N runs from..to (SET-1)."""

    year = models.ForeignKey(AcademicYear, models.CASCADE, related_name="bell_slots")
    number = models.PositiveSmallIntegerField("урок №")
    starts_at = models.TimeField("начало")
    ends_at = models.TimeField("окончание")

    class Meta:
        verbose_name = "звонок"
        verbose_name_plural = "расписание звонков"
        ordering = ["year", "number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="bell_unique")]


class SchoolOrder(TimeStampedModel):
    """Приказ директора (TPL-6): the school's legal act behind the regulation in force
    (000 §5.1, 003 §4.6.1) and behind changes of the schedule such as quarantine or moved
    holidays (004 §6.6). A new edition cancels the one in force; both keep their dates."""

    class Kind(models.TextChoices):
        REGULATION = "regulation", "О введении в действие положения об ЭЖ"
        SCHEDULE = "schedule", "Об изменении графика работы"

    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    number = models.CharField("номер приказа", max_length=40)
    signed_on = models.DateField("дата приказа")
    title = models.CharField("заголовок", max_length=300)
    in_force_from = models.DateField("вступает в силу")
    cancelled_on = models.DateField("утратил силу", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cancelled",
        verbose_name="отменён приказом",
    )
    # The adopted version in the public catalogue, by id only (no foreign key to public).
    regulation_version_id = models.BigIntegerField("редакция положения", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "приказ"
        verbose_name_plural = "приказы"
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number", "signed_on"], name="order_number_unique"),
            models.CheckConstraint(
                condition=Q(in_force_from__gte=models.F("signed_on")), name="order_in_force"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True)
                | Q(cancelled_on__gte=models.F("in_force_from")),
                name="order_cancelled_after_in_force",
            ),
            models.CheckConstraint(
                condition=~Q(kind="regulation") | Q(regulation_version_id__isnull=False),
                name="order_regulation_version",
            ),
            # One regulation order in force at a time.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="regulation", cancelled_on__isnull=True),
                name="one_regulation_order_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"Приказ № {self.number} от {self.signed_on:%d.%m.%Y}"


class ScheduleBreak(JournalModel):
    """Holidays and schedule changes such as quarantine: no lessons in the range (SET-1)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "Каникулы"
        PUBLIC_HOLIDAY = "public_holiday", "Праздничный день"
        QUARANTINE = "quarantine", "Карантин"
        OTHER = "other", "Изменение расписания"

    year = models.ForeignKey(AcademicYear, models.CASCADE, related_name="breaks")
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    title = models.CharField("название", max_length=200)
    starts_on = models.DateField("с")
    ends_on = models.DateField("по")
    # Empty: the whole school; else only these classes (e.g. quarantine in 5А).
    class_group_ids = models.JSONField("классы", default=list, blank=True)
    # Holidays of some grades only (the 1st grade's extra week): the calendar's band.
    grade_from = models.PositiveSmallIntegerField("с параллели", default=1)
    grade_to = models.PositiveSmallIntegerField("по параллель", default=11)
    # Copied from the operator's calendar with the adopted period scheme (TPL-2); such rows
    # are replaced when the periods of a year that has not started are derived again.
    from_calendar = models.BooleanField("из календаря учебного года", default=False)
    # The director's order behind a schedule change (004 §6.6); none for the calendar's.
    order = models.ForeignKey(
        SchoolOrder,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="breaks",
        verbose_name="приказ",
    )

    class Meta:
        verbose_name = "каникулы / изменение расписания"
        verbose_name_plural = "каникулы и изменения расписания"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    grade_from__gte=1, grade_to__lte=11, grade_from__lte=models.F("grade_to")
                ),
                name="break_grades",
            ),
        ]

    def applies_to(self, *, day: Any, class_group_id: int, grade: int) -> bool:
        """No lessons of this class on this day because of this break."""
        return (
            self.starts_on <= day <= self.ends_on
            and self.grade_from <= grade <= self.grade_to
            and (not self.class_group_ids or class_group_id in self.class_group_ids)
        )


class StaffMember(TimeStampedModel):
    """A member of staff; their roles are the user's groups (SET-3)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, related_name="staff")
    position = models.CharField("должность", max_length=200, blank=True)
    is_active = models.BooleanField("работает", default=True)

    class Meta:
        verbose_name = "сотрудник"
        verbose_name_plural = "сотрудники"

    def __str__(self) -> str:
        return str(self.user.full_name or self.user.username)


class Subject(JournalModel):
    title = models.CharField("предмет", max_length=200, unique=True)
    short_title = models.CharField("сокращение", max_length=40, blank=True)
    is_physical_education = models.BooleanField("физическая культура", default=False)

    class Meta:
        verbose_name = "предмет"
        verbose_name_plural = "предметы"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ClassGroup(TimeStampedModel):
    """Класс: parallel (grade) + letter, e.g. 5А (SET-2)."""

    year = models.ForeignKey(AcademicYear, models.PROTECT, related_name="class_groups")
    grade = models.PositiveSmallIntegerField("параллель")
    letter = models.CharField("литера", max_length=3)
    class_teacher = models.ForeignKey(
        StaffMember,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_classes",
        verbose_name="классный руководитель",
    )

    class Meta:
        verbose_name = "класс"
        verbose_name_plural = "классы"
        ordering = ["year", "grade", "letter"]
        permissions = [(LEAD_CLASS, "Классное руководство")]
        constraints = [
            models.UniqueConstraint(fields=["year", "grade", "letter"], name="class_unique"),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=11), name="class_grade"),
        ]

    def __str__(self) -> str:
        return f"{self.grade}{self.letter}"

    @property
    def title(self) -> str:
        return f"{self.grade}{self.letter}"


class Subgroup(JournalModel):
    """Подгруппа: part of a class for one subject (SET-2)."""

    class_group = models.ForeignKey(ClassGroup, models.CASCADE, related_name="subgroups")
    subject = models.ForeignKey(Subject, models.PROTECT, related_name="subgroups")
    title = models.CharField("название", max_length=60)

    class Meta:
        verbose_name = "подгруппа"
        verbose_name_plural = "подгруппы"
        constraints = [
            models.UniqueConstraint(
                fields=["class_group", "subject", "title"], name="subgroup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.class_group} {self.subject}: {self.title}"


class SubgroupMember(JournalModel):
    """A pupil in exactly one subgroup of a split subject (enforced by the constraint)."""

    subgroup = models.ForeignKey(Subgroup, models.CASCADE, related_name="members")
    pupil = models.ForeignKey("roster.Pupil", models.CASCADE, related_name="subgroup_memberships")
    # Denormalised from the subgroup so that the database enforces "one subgroup per subject".
    class_group = models.ForeignKey(ClassGroup, models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "состав подгруппы"
        verbose_name_plural = "составы подгрупп"
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "class_group", "subject"], name="one_subgroup_per_subject"
            )
        ]


class TeachingAssignmentQuerySet(models.QuerySet["TeachingAssignment"]):
    def readable_by(self, scope: Scope) -> TeachingAssignmentQuerySet:
        """Assignments whose journal the scope may read: the whole school for the director
        and deputies, their own for a teacher, every subject of their class for a class
        teacher; nothing for anyone outside staff (ROLE-1)."""
        if not scope.is_staff:
            return self.none()
        if scope.whole_school:
            return self
        return self.filter(Q(id__in=scope.assignment_ids) | Q(class_group_id__in=scope.class_ids))


class TeachingAssignment(TimeStampedModel):
    """Нагрузка: teacher × subject × class or subgroup × weekly hours (SET-3)."""

    year = models.ForeignKey(AcademicYear, models.PROTECT, related_name="assignments")
    teacher = models.ForeignKey(StaffMember, models.PROTECT, related_name="assignments")
    subject = models.ForeignKey(Subject, models.PROTECT, related_name="assignments")
    class_group = models.ForeignKey(ClassGroup, models.PROTECT, related_name="assignments")
    subgroup = models.ForeignKey(
        Subgroup, models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    weekly_hours = models.DecimalField("часов в неделю", max_digits=4, decimal_places=1)

    objects = TeachingAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "нагрузка"
        verbose_name_plural = "нагрузка"
        permissions = [(TEACH_ASSIGNMENT, "Ведёт предмет по нагрузке")]
        constraints = [
            models.UniqueConstraint(
                fields=["class_group", "subject"],
                condition=Q(subgroup__isnull=True),
                name="assignment_whole_class_unique",
            ),
            models.UniqueConstraint(fields=["subgroup"], name="assignment_subgroup_unique"),
            models.CheckConstraint(condition=Q(weekly_hours__gt=0), name="assignment_hours"),
        ]

    def __str__(self) -> str:
        group = f" ({self.subgroup.title})" if self.subgroup_id and self.subgroup else ""
        return f"{self.subject} — {self.class_group}{group}"


class TimetableEntry(JournalModel):
    """One weekly slot: weekday × lesson number × assignment × room (SET-3).

    The teacher and class are denormalised from the assignment so that PostgreSQL itself
    refuses a double-booked teacher or room; the service reports clashes in Russian first.
    """

    year = models.ForeignKey(AcademicYear, models.CASCADE, related_name="timetable")
    assignment = models.ForeignKey(TeachingAssignment, models.CASCADE, related_name="timetable")
    teacher = models.ForeignKey(StaffMember, models.CASCADE, related_name="+")
    class_group = models.ForeignKey(ClassGroup, models.CASCADE, related_name="+")
    subgroup = models.ForeignKey(Subgroup, models.CASCADE, null=True, blank=True, related_name="+")
    weekday = models.PositiveSmallIntegerField("день недели")  # 1 = понедельник
    slot = models.PositiveSmallIntegerField("урок №")
    room = models.CharField("кабинет", max_length=20, blank=True)

    class Meta:
        verbose_name = "строка расписания"
        verbose_name_plural = "расписание"
        ordering = ["weekday", "slot"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=6), name="tt_weekday"),
            models.UniqueConstraint(
                fields=["year", "weekday", "slot", "teacher"], name="tt_teacher_clash"
            ),
            models.UniqueConstraint(
                fields=["year", "weekday", "slot", "room"],
                condition=~Q(room=""),
                name="tt_room_clash",
            ),
            models.UniqueConstraint(
                fields=["year", "weekday", "slot", "class_group"],
                condition=Q(subgroup__isnull=True),
                name="tt_class_clash",
            ),
        ]
