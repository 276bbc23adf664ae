"""Results of the daily per-school audit, where the operator sees them (public schema)."""

from __future__ import annotations

from django.db import models


class SchoolAudit(models.Model):
    """One run of the audit for one school: passed or not, and every finding."""

    school = models.ForeignKey("tenants.School", on_delete=models.CASCADE, related_name="+")
    ran_at = models.DateTimeField("проверено", auto_now_add=True)
    ok = models.BooleanField("нарушений нет")
    findings = models.JSONField("нарушения", default=list)

    class Meta:
        verbose_name = "проверка отсутствия платных сервисов"
        verbose_name_plural = "проверки отсутствия платных сервисов"
        ordering = ["-ran_at", "-id"]
        indexes = [models.Index(fields=["school", "-ran_at"], name="bfc_audit_school_latest")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.ran_at:%Y-%m-%d} {'ok' if self.ok else 'FAIL'}"
