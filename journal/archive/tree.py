"""The school's append-only Merkle tree (ARC-3): append a leaf, sign a head, verify.

One leaf per archived package and per retention deletion (a tombstone). Every append signs
a new head (Ed25519), stored in the school's schema and published to the public schema.
Verification recomputes every leaf hash, checks the latest head's signature and root, and
checks a consistency proof from every published head to the current tree: a removed,
changed or reordered leaf breaks one of them, and the first such leaf is named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from archive_heads import merkle
from archive_heads.services import head_publish, published_heads
from archive_heads.signing import Head, head_sign, head_verify
from core.tenancy import db
from journal.archive.models import ArchiveLeaf, TreeHead

TREE_LOCK = 6962_0001


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def leaf_hashes() -> list[bytes]:
    return [
        bytes.fromhex(h)
        for h in ArchiveLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)
    ]


def head_of(row: TreeHead) -> Head:
    return Head(
        db.schema_name, row.tree_size, row.root_hash, row.signed_at, row.key_id, row.signature
    )


def tree_append(*, kind: str, data: dict[str, Any]) -> tuple[ArchiveLeaf, Head]:
    """Append one leaf and sign the new head, in the caller's transaction (serialised)."""
    if not connection.in_atomic_block:
        raise RuntimeError("tree_append belongs inside the transaction of its package")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK])
    hashes = leaf_hashes()
    text = canonical(data)
    digest = merkle.leaf_hash(text.encode())
    leaf = ArchiveLeaf.objects.create(
        index=len(hashes), kind=kind, data=text, leaf_hash=digest.hex()
    )
    hashes.append(digest)
    head = head_sign(
        school=db.schema_name,
        tree_size=len(hashes),
        root_hash=merkle.root(hashes).hex(),
        signed_at=timezone.now().astimezone(dt_utc()).isoformat(timespec="seconds"),
    )
    TreeHead.objects.create(
        tree_size=head.tree_size,
        root_hash=head.root_hash,
        signed_at=head.signed_at,
        key_id=head.key_id,
        signature=head.signature,
    )
    head_publish(head=head)
    return leaf, head


def dt_utc() -> Any:
    import datetime as dt

    return dt.UTC


@dataclass
class TreeReport:
    size: int
    problems: list[str] = field(default_factory=list)
    first_broken_leaf: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def inclusion(index: int) -> tuple[list[bytes], Head | None]:
    """The audit path of leaf `index` to the latest published head."""
    heads = published_heads(school=db.schema_name)
    if not heads:
        return [], None
    latest = heads[-1]
    return merkle.inclusion_proof(index, leaf_hashes()[: latest.tree_size]), latest


@transaction.atomic
def tree_verify() -> TreeReport:
    """Every leaf, the latest head and every published head, against each other."""
    leaves = list(ArchiveLeaf.objects.order_by("index"))
    report = TreeReport(size=len(leaves))

    def broken(index: int, text: str) -> None:
        if report.first_broken_leaf is None or index < report.first_broken_leaf:
            report.first_broken_leaf = index
        report.problems.append(text)

    hashes: list[bytes] = []
    for position, leaf in enumerate(leaves):
        if leaf.index != position:
            broken(position, f"лист {position}: отсутствует (следующий — {leaf.index})")
        digest = merkle.leaf_hash(leaf.data.encode())
        if digest.hex() != leaf.leaf_hash:
            broken(leaf.index, f"лист {leaf.index}: данные не совпадают с хешем листа")
        hashes.append(digest)
    current_root = merkle.root(hashes)
    own = TreeHead.objects.order_by("-tree_size").first()
    if own is not None:
        head = head_of(own)
        if not head_verify(head):
            report.problems.append(f"вершина {own.tree_size}: подпись не проходит проверку")
        if (
            own.tree_size > len(hashes)
            or merkle.root(hashes[: own.tree_size]).hex() != own.root_hash
        ):
            report.problems.append(f"вершина {own.tree_size}: корень не совпадает с листьями")
    published = published_heads(school=db.schema_name)
    prefix = merkle.prefix_roots(hashes, [h.tree_size for h in published])
    previous_ok = 0
    for head in published:
        if not head_verify(head):
            report.problems.append(
                f"опубликованная вершина {head.tree_size}: подпись не проходит проверку "
                f"(ключ {head.key_id})"
            )
            continue
        if head.tree_size > len(hashes):
            broken(
                len(hashes),
                f"удалены листья: опубликована вершина {head.tree_size}, листьев {len(hashes)}",
            )
            break
        if prefix[head.tree_size].hex() == head.root_hash:
            previous_ok = head.tree_size
            continue
        # The first head the tree no longer agrees with: its consistency proof to the
        # current tree fails, and the leaf after the last agreeing head is the broken one.
        proof = merkle.consistency_proof(head.tree_size, hashes)
        consistent = merkle.verify_consistency(
            head.tree_size, len(hashes), proof, bytes.fromhex(head.root_hash), current_root
        )
        broken(
            previous_ok,
            f"доказательство согласованности с вершиной {head.tree_size} не проходит: "
            f"изменён, удалён или переставлен лист {previous_ok}"
            + ("" if not consistent else " (корень поддерева не совпадает)"),
        )
        break
    return report
