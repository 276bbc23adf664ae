"""The archive's Merkle tree at 10,000 leaves (issue #14): proof sizes and verification times.

Run: PYTHONPATH=.:platform .venv/bin/python bench/archive_tree.py [runs]
Pure computation (no database): the root of 10,000 leaves, every prefix root in one pass
(what `tree_verify` does for the published heads), an inclusion proof and a consistency
proof (5,000 → 10,000) with their sizes and verification times, an Ed25519 head signature
and its check. Medians over `runs` (default 7). The last line is JSON for scripts.
The whole-school figure (a 1,000-pupil year archived and verified) is not measured here.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from archive_heads import merkle  # noqa: E402

LEAVES = 10_000


def median_s(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(runs: int) -> dict[str, object]:
    hashes = [merkle.leaf_hash(f'{{"key":"school:class-{i}"}}'.encode()) for i in range(LEAVES)]
    root = merkle.root(hashes)
    index = LEAVES // 3
    inclusion = merkle.inclusion_proof(index, hashes)
    consistency = merkle.consistency_proof(LEAVES // 2, hashes)
    old_root = merkle.root(hashes[: LEAVES // 2])
    key = Ed25519PrivateKey.generate()
    message = b"edujournal-archive-tree-head-v1\nschool\n10000\n" + root.hex().encode()
    signature = key.sign(message)
    public = key.public_key()
    figures: dict[str, object] = {
        "bench": "archive_tree",
        "leaves": LEAVES,
        "root_s": round(median_s(lambda: merkle.root(hashes), runs), 4),
        "all_prefix_roots_s": round(
            median_s(lambda: merkle.prefix_roots(hashes, range(1, LEAVES + 1)), runs), 4
        ),
        "inclusion_proof_hashes": len(inclusion),
        "inclusion_proof_bytes": 32 * len(inclusion),
        "inclusion_verify_s": median_s(
            lambda: merkle.verify_inclusion(index, LEAVES, hashes[index], inclusion, root), runs
        ),
        "consistency_proof_hashes": len(consistency),
        "consistency_proof_bytes": 32 * len(consistency),
        "consistency_verify_s": median_s(
            lambda: merkle.verify_consistency(LEAVES // 2, LEAVES, consistency, old_root, root),
            runs,
        ),
        "head_sign_s": median_s(lambda: key.sign(message), runs),
        "head_verify_s": median_s(lambda: public.verify(signature, message), runs),
    }
    assert merkle.verify_inclusion(index, LEAVES, hashes[index], inclusion, root)
    assert merkle.verify_consistency(LEAVES // 2, LEAVES, consistency, old_root, root)
    return figures


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
    for name, value in result.items():
        print(f"{name}: {value}")
    print(json.dumps(result))
