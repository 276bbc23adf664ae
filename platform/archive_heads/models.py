"""Signed tree heads of every school's archive, in the public schema.

A school's own schema holds its packages, leaves and heads; a copy of each head lives here,
out of the school's reach (its data cannot rewrite its history), and can be exported for a
third place. No foreign key to the school's tables (only the schema name).
"""

from __future__ import annotations

from django.db import models


class PublishedTreeHead(models.Model):
    id = models.BigAutoField(primary_key=True)
    school = models.CharField("школа (схема)", max_length=63)
    tree_size = models.PositiveIntegerField("листьев")
    root_hash = models.CharField(max_length=64)
    signed_at = models.CharField(max_length=40)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "подписанная вершина архива"
        constraints = [
            models.UniqueConstraint(fields=["school", "tree_size"], name="published_head_unique")
        ]
        ordering = ["school", "tree_size"]

    def __str__(self) -> str:
        return f"{self.school}@{self.tree_size}"
