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
