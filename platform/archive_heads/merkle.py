"""An append-only Merkle tree in the style of RFC 6962 / RFC 9162 (Certificate Transparency).

leaf hash = SHA-256(0x00 || data), node hash = SHA-256(0x01 || left || right); the tree of n
leaves splits at the largest power of two smaller than n. Inclusion and consistency proofs
are the RFC's (9162 §2.1.3, §2.1.4), verification the RFC's algorithms. Everything works on
a list of leaf hashes (32 bytes each); the archive keeps them in the school's schema.
Tested against the RFC 6962 test vectors used by Certificate Transparency implementations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the audit path of leaf `index` in the tree of `leaves`."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), root(leaves[:k])]


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): shows the tree of the first `first` leaves is a prefix of this one."""
    n = len(leaves)
    if not 0 < first <= n:
        raise ValueError(f"no consistency proof from {first} to {n}")

    def subproof(m: int, d: Sequence[bytes], complete: bool) -> list[bytes]:
        size = len(d)
        if m == size:
            return [] if complete else [root(d)]
        k = _split(size)
        if m <= k:
            return [*subproof(m, d[:k], complete), root(d[k:])]
        return [*subproof(m - k, d[k:], False), root(d[:k])]

    return subproof(first, leaves, True)


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if first == second:
        return not proof and first_root == second_root
    if not 0 < first < second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first root is the proof's start
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def prefix_roots(leaves: Sequence[bytes], sizes: Sequence[int]) -> dict[int, bytes]:
    """The roots of the trees of the first m leaves for every m in `sizes`, in one pass
    (a frontier of perfect subtrees: O(n) hashes in all, instead of O(n) per size)."""
    wanted = set(sizes)
    roots: dict[int, bytes] = {}
    if 0 in wanted:
        roots[0] = EMPTY_ROOT
    frontier: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes decreasing
    for count, leaf in enumerate(leaves, start=1):
        frontier.append((1, leaf))
        while len(frontier) > 1 and frontier[-1][0] == frontier[-2][0]:
            (size, right), (_, left) = frontier.pop(), frontier.pop()
            frontier.append((size * 2, node_hash(left, right)))
        if count in wanted:
            value = frontier[-1][1]
            for _size, subtree in reversed(frontier[:-1]):
                value = node_hash(subtree, value)
            roots[count] = value
    return roots
