"""Pupils, parents/guardians, consent and movement (SET-4, SET-5)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStampedModel
from journal.base import JournalModel
from journal.permissions import BE_PUPIL, VIEW_CHILD


class Pupil(TimeStampedModel):
    """Обучающийся. Names live on the user (one person, one account in this school)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, related_name="pupil")
    birth_date = models.DateField("дата рождения", null=True, blank=True)
    # Denormalised current class for fast lists; the history is in ClassMembership.
    class_group = models.ForeignKey(
        "structure.ClassGroup",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="pupils",
        verbose_name="класс",
    )

    class Meta:
        verbose_name = "обучающийся"
        verbose_name_plural = "обучающиеся"
        permissions = [
            (VIEW_CHILD, "Родитель (законный представитель) обучающегося"),
            (BE_PUPIL, "Сам обучающийся"),
        ]

    def __str__(self) -> str:
        return str(self.user.full_name)


class Guardian(TimeStampedModel):
    """Родитель, законный представитель."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, related_name="guardian")
    phone = models.CharField("телефон", max_length=32, blank=True)
    # DIA-3: a parent who declined electronic access gets the journal's printout weekly or
    # every two weeks (the regulation's `parent_printout_days`) from the class teacher.
    declined_electronic_access = models.BooleanField(
        "отказался от электронного доступа (получает распечатку)", default=False
    )

    class Meta:
        verbose_name = "родитель (законный представитель)"
        verbose_name_plural = "родители (законные представители)"


class GuardianLink(JournalModel):
    class Relation(models.TextChoices):
        MOTHER = "mother", "Мать"
        FATHER = "father", "Отец"
        GUARDIAN = "guardian", "Опекун"
        OTHER = "other", "Иной законный представитель"

    guardian = models.ForeignKey(Guardian, models.CASCADE, related_name="links")
    pupil = models.ForeignKey(Pupil, models.CASCADE, related_name="guardian_links")
    relation = models.CharField("кем приходится", max_length=16, choices=Relation.choices)

    class Meta:
        verbose_name = "связь родителя и обучающегося"
        verbose_name_plural = "связи родителей и обучающихся"
        constraints = [
            models.UniqueConstraint(fields=["guardian", "pupil"], name="guardian_link_unique")
        ]


class Consent(JournalModel):
    """Written consent of a parent to the pupil's inclusion (SET-5, 004 §1.5).

    Until an unrevoked consent exists the pupil is visible to staff only.
    """

    pupil = models.ForeignKey(Pupil, models.CASCADE, related_name="consents")
    guardian = models.ForeignKey(
        Guardian, models.PROTECT, null=True, blank=True, related_name="consents"
    )
    signed_on = models.DateField("дата согласия")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="кто внёс"
    )
    recorded_at = models.DateTimeField("когда внесено", auto_now_add=True)
    scan_reference = models.CharField("скан (ссылка, номер)", max_length=300)
    revoked_on = models.DateField("отозвано", null=True, blank=True)
    revocation_reason = models.CharField("основание отзыва", max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто внёс отзыв",
    )
    revoked_at = models.DateTimeField("когда внесён отзыв", null=True, blank=True)

    class Meta:
        verbose_name = "согласие"
        verbose_name_plural = "согласия"


class ClassMembershipQuerySet(models.QuerySet["ClassMembership"]):
    """The two questions asked of class membership, each answered in one place."""

    def on(self, day: dt.date) -> ClassMembershipQuerySet:
        """In the class on `day`: the class list as of a date (SET-4)."""
        return self.filter(Q(date_to__isnull=True) | Q(date_to__gte=day), date_from__lte=day)

    def overlapping(self, start: dt.date, end: dt.date) -> ClassMembershipQuerySet:
        """In the class on at least one day of [start, end]: everyone a period's pages list,
        including a pupil who arrived or left in the middle of it."""
        return self.filter(Q(date_to__isnull=True) | Q(date_to__gte=start), date_from__lte=end)


class ClassMembership(JournalModel):
    """The pupil was in this class from..to (inclusive); the basis of lists as of a date."""

    objects = ClassMembershipQuerySet.as_manager()

    pupil = models.ForeignKey(Pupil, models.CASCADE, related_name="memberships")
    class_group = models.ForeignKey("structure.ClassGroup", models.PROTECT, related_name="members")
    date_from = models.DateField("с")
    date_to = models.DateField("по", null=True, blank=True)

    class Meta:
        verbose_name = "пребывание в классе"
        verbose_name_plural = "пребывание в классах"
        indexes = [models.Index(fields=["class_group", "date_from"])]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(date_to__isnull=True), name="one_open_membership"
            )
        ]


class Movement(JournalModel):
    """Движение обучающихся: enrolment, class change, transfer, withdrawal (SET-4)."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", "Зачислен"
        MOVED = "moved", "Переведён в другой класс"
        TRANSFERRED_IN = "transferred_in", "Прибыл из другой школы"
        TRANSFERRED_OUT = "transferred_out", "Выбыл в другую школу"
        WITHDRAWN = "withdrawn", "Отчислен"

    pupil = models.ForeignKey(Pupil, models.CASCADE, related_name="movements")
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    on_date = models.DateField("дата")
    order_number = models.CharField("номер приказа", max_length=40)
    class_from = models.ForeignKey(
        "structure.ClassGroup", models.PROTECT, null=True, blank=True, related_name="+"
    )
    class_to = models.ForeignKey(
        "structure.ClassGroup", models.PROTECT, null=True, blank=True, related_name="+"
    )
    other_school = models.CharField("другая школа", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "движение"
        verbose_name_plural = "движение обучающихся"
        ordering = ["on_date", "id"]


class RosterImport(TimeStampedModel):
    """A checked roster file waiting for its confirmation (SET-6): the parsed rows are kept
    here, so the confirmation saves exactly what the preview showed (no re-upload); nothing
    of the school's roster is written until `roster_import_apply`."""

    token = models.CharField("ключ", max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    filename = models.CharField("файл", max_length=255)
    tables = models.JSONField("строки файла")
    applied_at = models.DateTimeField("загружено", null=True, blank=True)

    class Meta:
        verbose_name = "загрузка списков"
        verbose_name_plural = "загрузки списков"
