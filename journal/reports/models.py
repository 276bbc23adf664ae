"""A generated report file (REP-5): what it was made from, so that it can be made again.

Each row records the central form's code and version (TPL-3), the resolved parameters, the
moment of the newest data row it reflects and the SHA-256 of the bytes. The bytes are kept
in the school's own schema (never under a public URL) and served only through the reports'
permission check. Append-only: a later generation is a new row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from journal.base import JournalModel, append_only_triggers


class GeneratedReport(JournalModel):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    form_code = models.SlugField("код формы", max_length=64)
    # The catalogue's version number (0: a built-in layout such as the paper copy, REP-3)
    # and the version row's id in the public catalogue (no foreign key to public).
    form_version = models.PositiveIntegerField("редакция формы")
    form_id = models.BigIntegerField("форма в каталоге (id)", null=True, blank=True)
    parameters = models.JSONField("параметры")
    format = models.CharField("формат", max_length=8, choices=Format.choices)
    data_at = models.DateTimeField("данные по состоянию на", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("размер, байт")
    content = models.BinaryField("файл")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("создан", auto_now_add=True)

    class Meta:
        verbose_name = "сформированный отчёт"
        verbose_name_plural = "сформированные отчёты"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["form_code", "created_at"])]
        triggers = append_only_triggers("genreport")

    def __str__(self) -> str:
        return f"{self.form_code} v{self.form_version} {self.format} {self.sha256[:12]}"


# --- REP-4 certificates and DIA-3 parent printouts (branch reports3) ---


class CertificateExportConfirmation(JournalModel):
    """A certificate export made in spite of the consistency check's errors (REP-4): who
    confirmed it, when, why, and the errors as they stood. Append-only."""

    class_group = models.ForeignKey("structure.ClassGroup", models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("когда", auto_now_add=True)
    reason = models.CharField("причина", max_length=1000)
    errors = models.JSONField("ошибки проверки")

    class Meta:
        verbose_name = "подтверждение выгрузки для аттестатов"
        verbose_name_plural = "подтверждения выгрузки для аттестатов"
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="certificate_confirmation_has_reason"
            )
        ]
        triggers = append_only_triggers("certconfirm")

    def __str__(self) -> str:
        return f"подтверждение выгрузки №{self.pk}"


class ParentPrintout(JournalModel):
    """One class's printout for the parents who declined electronic access (DIA-3): one
    PDF per class × period of days (`parent_printout_days`), made by the per-school task.
    The unique key makes a redelivered task a no-op."""

    class_group = models.ForeignKey("structure.ClassGroup", models.PROTECT, related_name="+")
    starts_on = models.DateField("с")
    ends_on = models.DateField("по")
    pupil_ids = models.JSONField("обучающиеся")
    sha256 = models.CharField("SHA-256", max_length=64)
    content = models.BinaryField("файл")
    created_at = models.DateTimeField("создан", auto_now_add=True)

    class Meta:
        verbose_name = "распечатка для родителей"
        verbose_name_plural = "распечатки для родителей"
        ordering = ["-ends_on", "class_group_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["class_group", "starts_on", "ends_on"], name="parent_printout_once"
            )
        ]

    def __str__(self) -> str:
        return f"распечатка {self.class_group_id} {self.starts_on}–{self.ends_on}"
