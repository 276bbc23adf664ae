"""ЕСИА's client authentication, the provider's side: ``client_secret`` is a detached
signature over ``scope + timestamp + client_id + state``, base64url-encoded.

The real ЕСИА checks a ГОСТ Р 34.10-2012 PKCS#7 signature against the certificate the
organisation registered; this stand-in checks an RSA (PKCS#1 v1.5, SHA-256) or Ed25519
signature against the client's registered public key — what the platform's development
signer (`identity.esia.KeySigner`) makes — and that the timestamp is recent.
"""

from __future__ import annotations

import base64
import datetime as dt

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

TIMESTAMP_FORMAT = "%Y.%m.%d %H:%M:%S %z"
MAX_SKEW = dt.timedelta(minutes=5)


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def timestamp_fresh(timestamp: str, now: dt.datetime | None = None) -> bool:
    try:
        moment = dt.datetime.strptime(timestamp, TIMESTAMP_FORMAT)
    except ValueError:
        return False
    return abs((now or dt.datetime.now(dt.UTC)) - moment) <= MAX_SKEW


def signature_valid(
    *, public_key_pem: str, scope: str, timestamp: str, client_id: str, state: str, secret: str
) -> bool:
    """The signed client_secret of one request (authorization or token)."""
    if not (public_key_pem and secret and state and timestamp_fresh(timestamp)):
        return False
    message = f"{scope}{timestamp}{client_id}{state}".encode()
    try:
        signature = _b64url_decode(secret)
        key = serialization.load_pem_public_key(public_key_pem.encode())
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
