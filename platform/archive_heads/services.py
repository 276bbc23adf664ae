"""Publishing a school's signed tree heads to the public schema, and reading them back."""

from __future__ import annotations

from typing import Any

from archive_heads.models import PublishedTreeHead
from archive_heads.signing import Head


def head_publish(*, head: Head) -> PublishedTreeHead:
    """Record a school's head in public (idempotent per school and size; a different head
    for a size already published is refused: history is not rewritten)."""
    row, created = PublishedTreeHead.objects.get_or_create(
        school=head.school,
        tree_size=head.tree_size,
        defaults={
            "root_hash": head.root_hash,
            "signed_at": head.signed_at,
            "key_id": head.key_id,
            "signature": head.signature,
        },
    )
    if not created and row.root_hash != head.root_hash:
        raise ValueError(f"a different head of size {head.tree_size} is already published")
    return row


def published_heads(*, school: str) -> list[Head]:
    return [
        Head(r.school, r.tree_size, r.root_hash, r.signed_at, r.key_id, r.signature)
        for r in PublishedTreeHead.objects.filter(school=school).order_by("tree_size")
    ]


def heads_export(*, school: str) -> list[dict[str, object]]:
    """The school's heads as plain data, for a third place."""
    return [h.__dict__ for h in published_heads(school=school)]


def latest_published_heads() -> dict[str, Any]:
    """Each school's largest published tree head, keyed by schema: one query for all."""
    from archive_heads.models import PublishedTreeHead

    rows = PublishedTreeHead.objects.order_by("school", "-tree_size").distinct("school")
    return {row.school: row for row in rows}
