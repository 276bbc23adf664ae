"""Signed tree heads (Ed25519 via `cryptography`).

The signing key comes from `ARCHIVE_SIGNING_KEY` (base64 of the 32-byte private seed) or
`ARCHIVE_SIGNING_KEY_FILE` (a file holding the same). Its key id is the first 16 hex digits
of SHA-256 of the raw public key and is part of every head. Rotation: the new key signs;
old public keys stay in `ARCHIVE_PUBLIC_KEYS` (`{key_id: base64 public key}`) so old heads
still verify. A head signed by a key that is in neither place does not verify.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

HEAD_DOMAIN = b"edujournal-archive-tree-head-v1"


@dataclass(frozen=True)
class Head:
    """What a signature covers: the school, the tree's size and root, the moment."""

    school: str
    tree_size: int
    root_hash: str  # hex
    signed_at: str  # ISO 8601, UTC
    key_id: str
    signature: str = ""  # base64

    def message(self) -> bytes:
        fields = [self.school, str(self.tree_size), self.root_hash, self.signed_at, self.key_id]
        return HEAD_DOMAIN + b"\n" + "\n".join(fields).encode()


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_of(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_raw(key)).hexdigest()[:16]


def signing_key() -> Ed25519PrivateKey:
    raw = str(getattr(settings, "ARCHIVE_SIGNING_KEY", "") or "").strip()
    path = str(getattr(settings, "ARCHIVE_SIGNING_KEY_FILE", "") or "").strip()
    if not raw and path:
        raw = Path(path).read_text(encoding="ascii").strip()
    if not raw:
        raise ImproperlyConfigured("ARCHIVE_SIGNING_KEY or ARCHIVE_SIGNING_KEY_FILE is not set")
    seed = base64.b64decode(raw)
    if len(seed) != 32:
        raise ImproperlyConfigured("the archive signing key must be 32 bytes (base64)")
    return Ed25519PrivateKey.from_private_bytes(seed)


def known_public_keys() -> dict[str, Ed25519PublicKey]:
    """The current key's public half and every retired one kept for verification."""
    keys: dict[str, Ed25519PublicKey] = {}
    for encoded in dict(getattr(settings, "ARCHIVE_PUBLIC_KEYS", {}) or {}).values():
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded))
        keys[key_id_of(key)] = key
    try:
        current = signing_key().public_key()
    except ImproperlyConfigured:
        return keys
    keys[key_id_of(current)] = current
    return keys


def head_sign(
    *,
    school: str,
    tree_size: int,
    root_hash: str,
    signed_at: str,
    key: Ed25519PrivateKey | None = None,
) -> Head:
    private = key or signing_key()
    unsigned = Head(school, tree_size, root_hash, signed_at, key_id_of(private.public_key()))
    signature = base64.b64encode(private.sign(unsigned.message())).decode()
    return Head(school, tree_size, root_hash, signed_at, unsigned.key_id, signature)


def head_verify(head: Head) -> bool:
    """The head's signature is good under the key it names, and that key is ours."""
    key = known_public_keys().get(head.key_id)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(head.signature), head.message())
    except (InvalidSignature, ValueError):
        return False
    return True
