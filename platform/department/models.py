"""Per-school statistical rollups (STAT-1): aggregates only, in the public schema.

No row holds a pupil's name, id or anything else that identifies one: counts of pupils,
marks, lessons and absences per school × reporting period × grade × subject (or month).
The key carries the version of the counting rules (`RULES_VERSION`), so a change of the
definitions adds rows of a new version instead of silently changing old figures.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class RollupRun(models.Model):
    """The last rollup of one school: when it finished, and how (freshness, failures)."""

    class Status(models.TextChoices):
        OK = "ok", "обновлено"
        FAILED = "failed", "ошибка"
        QUEUED = "queued", "в очереди"

    id = models.BigAutoField(primary_key=True)
    school = models.OneToOneField("tenants.School", models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"rollup of school {self.school_id}: {self.status}"


class PeriodRollup(models.Model):
    """Period marks of one subject in one grade of a school for a reporting period."""

    id = models.BigAutoField(primary_key=True)
    school = models.ForeignKey("tenants.School", models.CASCADE, related_name="+")
    period_key = models.CharField(max_length=40)  # "2026/2027:quarter:2"
    period_title = models.CharField(max_length=60)
    period_starts_on = models.DateField()
    period_ends_on = models.DateField()
    grade = models.PositiveSmallIntegerField()
    subject = models.CharField(max_length=200)
    rules_version = models.PositiveSmallIntegerField()
    pupils = models.PositiveIntegerField()
    n5 = models.PositiveIntegerField()
    n4 = models.PositiveIntegerField()
    n3 = models.PositiveIntegerField()
    n2 = models.PositiveIntegerField()
    not_attested = models.PositiveIntegerField()
    exempt = models.PositiveIntegerField()
    passed = models.PositiveIntegerField()
    not_passed = models.PositiveIntegerField()
    # Of `not_attested`: pupils with no period mark at all; and the school's last day for
    # the period's marks (the order's deadline, or the regulation's default).
    missing = models.PositiveIntegerField(default=0)
    marks_close_on = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "period_key", "grade", "subject", "rules_version"],
                name="department_period_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.period_key} {self.grade} {self.subject}"


class MonthRollup(models.Model):
    """Attendance, journal keeping and participation of one grade of a school in a month."""

    id = models.BigAutoField(primary_key=True)
    school = models.ForeignKey("tenants.School", models.CASCADE, related_name="+")
    month = models.DateField()  # the first day
    grade = models.PositiveSmallIntegerField()
    rules_version = models.PositiveSmallIntegerField()
    pupils = models.PositiveIntegerField()  # on the grade's lists on any day of the month
    pupil_lessons = models.PositiveIntegerField()  # lessons × pupils on the list that day
    ill = models.PositiveIntegerField()  # Б
    excused = models.PositiveIntegerField()  # У
    unexcused = models.PositiveIntegerField()  # Н
    late = models.PositiveIntegerField()  # О
    lessons = models.PositiveIntegerField()
    lessons_with_topic = models.PositiveIntegerField()
    lessons_with_homework = models.PositiveIntegerField()
    lessons_with_marks = models.PositiveIntegerField()
    pupils_signed_in = models.PositiveIntegerField()
    parents = models.PositiveIntegerField()
    parents_signed_in = models.PositiveIntegerField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "month", "grade", "rules_version"],
                name="department_month_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.month:%Y-%m} {self.grade}"
