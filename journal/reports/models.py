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


# ---------------------------------------------------------------- long reports (reports2)


class ReportJob(JournalModel):
    """A long report made by a per-school task (a whole school's paper copies, the summary
    sheets of a large school): its state, progress and the files it made.

    `signature` is the job's natural key (kind + parameters): while a job with a signature
    is queued or running, asking again returns it (a partial unique index), so a double
    click or a repeated request never makes the work twice. Progress rows are written as
    the task goes (one short transaction per unit), so the page can show them.
    """

    class Kind(models.TextChoices):
        PAPER_COPIES = "paper_copies", "Бумажные копии журналов"
        SUMMARY_SHEETS = "summary_sheets", "Сводные ведомости успеваемости"

    class State(models.TextChoices):
        QUEUED = "queued", "в очереди"
        RUNNING = "running", "формируется"
        DONE = "done", "готово"
        FAILED = "failed", "ошибка"

    class Reason(models.TextChoices):
        REQUEST = "request", "по запросу"
        CADENCE = "cadence", "по окончании периода (положение)"

    kind = models.CharField("вид", max_length=32, choices=Kind.choices)
    signature = models.CharField("натуральный ключ", max_length=255)
    parameters = models.JSONField("параметры")
    # The units of work (class ids), fixed when the job is made: `total` never moves.
    units = models.JSONField("единицы работы")
    format = models.CharField("формат", max_length=8, default="pdf")
    reason = models.CharField("основание", max_length=16, choices=Reason.choices)
    title = models.CharField("название", max_length=255)
    state = models.CharField("состояние", max_length=16, choices=State.choices)
    done = models.PositiveIntegerField("готово единиц", default=0)
    total = models.PositiveIntegerField("всего единиц")
    error = models.CharField("ошибка", max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("создано", auto_now_add=True)
    started_at = models.DateTimeField("начато", null=True, blank=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)

    class Meta:
        verbose_name = "фоновое формирование отчётов"
        verbose_name_plural = "фоновые формирования отчётов"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["signature"],
                # Two equalities, not `state__in`: PostgreSQL re-parses an IN over a varchar
                # into another text, and the school clone (tenants.cloning) must recreate
                # the index exactly as the base has it.
                condition=models.Q(state="queued") | models.Q(state="running"),
                name="reportjob_one_active_per_signature",
            ),
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="reportjob_done_le_total"
            ),
        ]

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class ReportJobFile(JournalModel):
    """One file a job made: its unit (a class) and the recorded file (REP-5)."""

    job = models.ForeignKey(ReportJob, models.CASCADE, related_name="files")
    unit = models.BigIntegerField("единица (класс)")
    title = models.CharField("название", max_length=255)
    report = models.ForeignKey(GeneratedReport, models.PROTECT, related_name="+")
    # Whose data the file shows: a later download is logged against them (ROLE-4).
    pupil_ids = models.JSONField("обучающиеся", default=list)

    class Meta:
        verbose_name = "файл фонового отчёта"
        verbose_name_plural = "файлы фоновых отчётов"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "unit"], name="reportjobfile_one_per_unit")
        ]


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
