"""Web Push without a third-party account (issue #16, COM-2, FREE-1): the message is
encrypted for the browser (RFC 8291, `aes128gcm`) and signed for the push service with the
school platform's own VAPID key (RFC 8292), then POSTed to the subscription's endpoint.
Built on `cryptography` (a direct dependency) and the standard library's HTTP client.

The endpoint's host must pass billing_free_check's outbound allow-list (loopback always).
"""

from __future__ import annotations

import base64
import json
import os
import struct
import time
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

RECORD_SIZE = 4096
TTL_SECONDS = 24 * 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw_public(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def encrypt(payload: bytes, *, p256dh: str, auth: str, salt: bytes | None = None) -> bytes:
    """The `aes128gcm` body of RFC 8291 for the browser's keys (one record)."""
    ua_public_raw = b64url_decode(p256dh)
    ua_public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ua_public_raw)
    auth_secret = b64url_decode(auth)
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    as_public_raw = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(ec.ECDH(), ua_public)
    ikm = _hkdf(auth_secret, shared, b"WebPush: info\x00" + ua_public_raw + as_public_raw, 32)
    salt = salt or os.urandom(16)
    cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    if len(payload) + 1 + 16 > RECORD_SIZE:
        raise ValueError("push payload too large for one record")
    cipher = AESGCM(cek).encrypt(nonce, payload + b"\x02", None)
    header = salt + struct.pack("!IB", RECORD_SIZE, len(as_public_raw)) + as_public_raw
    return header + cipher


def vapid_key() -> ec.EllipticCurvePrivateKey:
    """The platform's VAPID key: settings.WEBPUSH_VAPID_PRIVATE_KEY (PEM)."""
    pem = str(getattr(settings, "WEBPUSH_VAPID_PRIVATE_KEY", "") or "")
    if not pem:
        raise RuntimeError("WEBPUSH_VAPID_PRIVATE_KEY is not set")
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise RuntimeError("the VAPID key must be an EC P-256 key")
    return key


def vapid_public_key() -> str:
    """The application server key a browser subscribes with (base64url, uncompressed)."""
    return b64url(_raw_public(vapid_key().public_key()))


def vapid_header(endpoint: str, *, now: float | None = None) -> str:
    """`Authorization: vapid t=<JWT ES256>, k=<public key>` for the endpoint's origin."""
    parts = urlsplit(endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int((now or time.time()) + 12 * 3600),
        "sub": str(getattr(settings, "WEBPUSH_VAPID_SUBJECT", "") or "mailto:noreply@localhost"),
    }
    head = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    key = vapid_key()
    der = key.sign(f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    signature = b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    return f"vapid t={head}.{body}.{signature}, k={b64url(_raw_public(key.public_key()))}"


def endpoint_allowed(endpoint: str) -> bool:
    """FREE-1: only push services the outbound allow-list names (loopback always)."""
    from billing_free_check.engine import host_allowed

    host = (urlsplit(endpoint).hostname or "").lower()
    allow = list(getattr(settings, "OUTBOUND_HOST_ALLOWLIST", []) or [])
    return bool(host) and host_allowed(host, allow)


def push_send(*, endpoint: str, p256dh: str, auth: str, message: dict[str, Any]) -> int:
    """Encrypt and POST one notification; the push service's status (201 accepted).
    Raises OSError (urllib's errors are OSErrors) when it fails or refuses."""
    if not endpoint_allowed(endpoint):
        raise PermissionError("push endpoint host is not on the outbound allow-list")
    body = encrypt(json.dumps(message, ensure_ascii=False).encode(), p256dh=p256dh, auth=auth)
    request = urllib.request.Request(  # noqa: S310 - the endpoint passed the allow-list
        endpoint,
        data=body,
        method="POST",
        headers={
            "Authorization": vapid_header(endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(TTL_SECONDS),
            "Urgency": "normal",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return int(response.status)
