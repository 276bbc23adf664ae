"""What the backups did (ARC-5), in public: per-school exports and restore drills."""

from __future__ import annotations

from django.db import models


class BackupRun(models.Model):
    class Kind(models.TextChoices):
        SCHOOL_EXPORT = "school_export", "Выгрузка школы (pg_dump)"
        RESTORE_DRILL = "restore_drill", "Учебное восстановление (pgBackRest)"
        PGBACKREST = "pgbackrest", "Резервная копия кластера (pgBackRest)"

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    school = models.CharField("школа (схема)", max_length=63, blank=True)
    ok = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    seconds = models.FloatField(default=0)
    path = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "резервное копирование"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.school} {self.at:%Y-%m-%d}"
