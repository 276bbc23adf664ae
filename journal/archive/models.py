"""The school's archive (ARC-1…4): packages, the leaves of its Merkle tree, signed heads.

Leaves and heads are append-only (triggers against UPDATE, DELETE and TRUNCATE); a copy of
every head lives in the public schema (`archive_heads`), out of the school's reach.
A package row records what was written to both storage locations and how the last check
went; it is committed only after both copies verified (ARC-4).
"""

from __future__ import annotations

from django.db import models

from journal.base import JournalModel, append_only_triggers


class ArchiveLeaf(JournalModel):
    class Kind(models.TextChoices):
        PACKAGE = "package", "Пакет"
        TOMBSTONE = "tombstone", "Удаление по сроку хранения"

    index = models.PositiveIntegerField("номер листа", unique=True)
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    # Canonical JSON; the leaf hash is SHA-256(0x00 || UTF-8 of this text) (RFC 6962).
    data = models.TextField()
    leaf_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "лист дерева архива"
        ordering = ["index"]
        triggers = append_only_triggers("archiveleaf")


class TreeHead(JournalModel):
    tree_size = models.PositiveIntegerField("листьев", unique=True)
    root_hash = models.CharField(max_length=64)
    signed_at = models.CharField(max_length=40)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)

    class Meta:
        verbose_name = "подписанная вершина дерева архива"
        ordering = ["tree_size"]
        triggers = append_only_triggers("treehead")


class ArchivePackage(JournalModel):
    class Kind(models.TextChoices):
        PERIOD = "period", "За учебный период"
        YEAR = "year", "За учебный год"

    class State(models.TextChoices):
        OK = "ok", "Обе копии целы"
        REPAIRED = "repaired", "Копия восстановлена"
        BROKEN = "broken", "Повреждены обе копии"
        DELETED = "deleted", "Удалён по сроку хранения"

    # school × class × period × kind: the package exists once (the idempotency key).
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField("вид", max_length=8, choices=Kind.choices)
    class_group = models.ForeignKey("structure.ClassGroup", models.PROTECT, related_name="+")
    year = models.ForeignKey("structure.AcademicYear", models.PROTECT, related_name="+")
    period = models.ForeignKey(
        "structure.ReportingPeriod", models.PROTECT, null=True, blank=True, related_name="+"
    )
    folder = models.CharField(max_length=300)
    manifest_sha256 = models.CharField(max_length=64)
    manifest_size = models.PositiveIntegerField()
    # [{"name", "sha256", "size", "keep_until"}], as in the manifest.
    files = models.JSONField(default=list)
    manifest_keep_until = models.DateField("хранить до")
    leaf_index = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_files = models.JSONField(default=list, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OK)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_report = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "архивный пакет"
        verbose_name_plural = "архивные пакеты"
        ordering = ["leaf_index"]

    def __str__(self) -> str:
        return self.key
