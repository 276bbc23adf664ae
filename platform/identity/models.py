"""The public side of single sign-on: which schools a person has an account in.

The public schema keeps nothing else about parents and pupils: no name, no provider
subject id, no school-side user id. A row is a keyed hash (HMAC-SHA256) of the
provider's issuer and subject and a school; only a server holding the hash key can
compute it, and it cannot be turned back into the subject.
"""

from __future__ import annotations

from django.db import models

from core.models import TimeStampedModel


class SubjectIndex(TimeStampedModel):
    subject_hash = models.CharField("хеш идентификатора", max_length=64, db_index=True)
    school = models.ForeignKey(
        "tenants.School", models.CASCADE, related_name="+", verbose_name="школа"
    )

    class Meta:
        verbose_name = "запись указателя единого входа"
        verbose_name_plural = "указатель единого входа"
        constraints = [
            models.UniqueConstraint(fields=["subject_hash", "school"], name="subject_index_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject_hash[:8]}… → {self.school_id}"
