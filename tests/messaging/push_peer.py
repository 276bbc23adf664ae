"""A Web Push service for the tests (RFC 8030), on 127.0.0.1 in a thread of the test process.

It checks each POST as a push service would: the VAPID JWT (RFC 8292: ES256 signature by
the key in `k`, `aud` = this origin, not expired, a `sub`), then — doing the browser's
part, since the test holds the subscription's private key — decrypts the `aes128gcm`
body (RFC 8291) and keeps the payload. A bad signature gets 403, as real services answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal.messaging.webpush import b64url, b64url_decode


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


@dataclass
class Browser:
    """A subscribed browser's keys (what the service worker's PushManager would hold)."""

    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: b"0123456789abcdef")

    @property
    def p256dh(self) -> str:
        from cryptography.hazmat.primitives import serialization

        raw = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(raw)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> bytes:
        salt, idlen = body[:16], body[20]
        as_public_raw = body[21 : 21 + idlen]
        cipher = body[21 + idlen :]
        as_public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public_raw)
        shared = self.private.exchange(ec.ECDH(), as_public)
        ua_raw = b64url_decode(self.p256dh)
        ikm = _hkdf(self.auth_secret, shared, b"WebPush: info\x00" + ua_raw + as_public_raw, 32)
        cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        padded = AESGCM(cek).decrypt(nonce, cipher, None)
        return padded.rstrip(b"\x00")[:-1]  # the last record's delimiter is 0x02


@dataclass
class PushPeer:
    origin: str = ""
    browser: Browser = field(default_factory=Browser)
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"{self.origin}/push/subscription-1"


def verify_vapid(header: str, origin: str) -> str | None:
    """None if the VAPID authorization is valid for `origin`, else why not."""
    try:
        scheme, params = header.split(" ", 1)
        fields = dict(p.strip().split("=", 1) for p in params.split(","))
        token, key = fields["t"], fields["k"]
        head, body, signature = token.split(".")
    except (KeyError, ValueError):
        return "malformed"
    if scheme != "vapid":
        return "scheme"
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    raw = b64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "signature"
    if json.loads(b64url_decode(head)) != {"typ": "JWT", "alg": "ES256"}:
        return "header"
    claims = json.loads(b64url_decode(body))
    if claims.get("aud") != origin:
        return "audience"
    if not (time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600):
        return "expiry"
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        return "subject"
    return None


@contextmanager
def push_peer() -> Iterator[PushPeer]:
    peer = PushPeer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            problem = verify_vapid(self.headers.get("Authorization", ""), peer.origin)
            if problem is None and self.headers.get("Content-Encoding") != "aes128gcm":
                problem = "encoding"
            if problem is not None:
                peer.refused.append(problem)
                self.send_response(403)
                self.end_headers()
                return
            peer.received.append(json.loads(peer.browser.decrypt(body)))
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    peer.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="push-peer", daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
