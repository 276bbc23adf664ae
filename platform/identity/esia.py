"""ESIA specifics: the client_secret is a signature, not a shared secret.

ESIA (Госуслуги) authenticates a client by a detached signature over
``scope + timestamp + client_id + state``, base64url-encoded, sent as ``client_secret``
in both the authorization and the token request, together with ``timestamp`` and
``state``. In production the signature is ГОСТ Р 34.10-2012 (PKCS#7/CMS, with the
organisation's certificate registered in ESIA); Python's cryptography has no ГОСТ, so
the production signer is a hook: :class:`CommandSigner` pipes the message to a
certified tool (CryptoPro ``cryptcp``, or OpenSSL with the gost engine) and returns
its output. For development and tests :class:`KeySigner` signs with an RSA or Ed25519
key. Both satisfy :class:`ClientSecretSigner`; see docs/identity.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import shlex
import subprocess
from functools import cache
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TIMESTAMP_FORMAT = "%Y.%m.%d %H:%M:%S %z"


class ClientSecretSigner(Protocol):
    def sign(self, message: bytes) -> bytes:
        """A detached signature of the message (raw bytes)."""
        ...


class KeySigner:
    """RSA (PKCS#1 v1.5, SHA-256) or Ed25519 signer for development and tests."""

    def __init__(self, private_key_pem: bytes) -> None:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
            raise ImproperlyConfigured("ESIA development signer: an RSA or Ed25519 key.")
        self._key = key

    def sign(self, message: bytes) -> bytes:
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        return self._key.sign(message)

    def public_key_pem(self) -> bytes:
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


class CommandSigner:
    """The production hook: an external certified tool signs (ГОСТ Р 34.10-2012).

    The message goes to the command's standard input, the DER signature comes from its
    standard output, e.g. (OpenSSL 3 with the gost provider)::

        ESIA_SIGNER_COMMAND="openssl cms -sign -binary -outform DER -noattr
            -signer /run/secrets/esia.crt -inkey /run/secrets/esia.key -md md_gost12_256"
    """

    def __init__(self, command: str, timeout: float = 10.0) -> None:
        self._argv = shlex.split(command)
        if not self._argv:
            raise ImproperlyConfigured("ESIA_SIGNER_COMMAND is empty.")
        self._timeout = timeout

    def sign(self, message: bytes) -> bytes:
        result = subprocess.run(
            self._argv, input=message, capture_output=True, timeout=self._timeout, check=False
        )
        if result.returncode != 0 or not result.stdout:
            # The tool's stderr may name key files; it is not echoed anywhere.
            raise RuntimeError("ESIA signer command failed")
        return result.stdout


def verify_key_signature(public_key_pem: bytes, message: bytes, signature: bytes) -> bool:
    """Check a :class:`KeySigner` signature (the provider's side; used by tests)."""
    key = serialization.load_pem_public_key(public_key_pem)
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def client_secret_message(*, scope: str, timestamp: str, client_id: str, state: str) -> bytes:
    return f"{scope}{timestamp}{client_id}{state}".encode()


def esia_timestamp(now: dt.datetime | None = None) -> str:
    moment = now or dt.datetime.now(dt.UTC)
    return moment.strftime(TIMESTAMP_FORMAT)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def client_secret(
    *, signer: ClientSecretSigner, scope: str, timestamp: str, client_id: str, state: str
) -> str:
    """ESIA's client_secret: base64url of the signature over scope+timestamp+client_id+state."""
    message = client_secret_message(
        scope=scope, timestamp=timestamp, client_id=client_id, state=state
    )
    return b64url(signer.sign(message))


@cache
def configured_signer() -> ClientSecretSigner:
    """The signer named by ESIA_SIGNER ("key" for development, "command" for ГОСТ)."""
    kind = settings.ESIA_SIGNER
    if kind == "command":
        return CommandSigner(settings.ESIA_SIGNER_COMMAND)
    if kind == "key":
        pem = settings.ESIA_SIGNING_KEY
        if not pem:
            raise ImproperlyConfigured("ESIA_SIGNING_KEY (or ESIA_SIGNING_KEY_FILE) is not set.")
        return KeySigner(pem.encode())
    raise ImproperlyConfigured(f"ESIA_SIGNER must be 'key' or 'command', not {kind!r}.")
