"""A Web Push service for the tests (RFC 8030), on 127.0.0.1 in a thread of the test process.

It checks each POST as a push service would: the VAPID JWT (RFC 8292: ES256 signature by
the key in `k`, `aud` = this origin, not expired, a `sub`), then — doing the browser's
part, since the test holds the subscription's private key — decrypts the `aes128gcm`
body (RFC 8291) and keeps the payload. A bad signature gets 403, as real services answer.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from journal.messaging.webpush import b64url_decode


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class Browser:
    """A subscribed browser's keys (what the service worker's PushManager would hold)."""

    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: b"0123456789abcdef")

    @property
    def p256dh(self) -> str:
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(raw)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> bytes:
        """The browser's part of RFC 8291 (http_ece): the sender's key is in the header."""
        return bytes(
            http_ece.decrypt(
                body, private_key=self.private, auth_secret=self.auth_secret, version="aes128gcm"
            )
        )


@dataclass
class PushPeer:
    origin: str = ""
    browser: Browser = field(default_factory=Browser)
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    # Paths the service has forgotten (the browser unsubscribed): 410 Gone (RFC 8030 §7.3).
    gone: set[str] = field(default_factory=set)

    @property
    def endpoint(self) -> str:
        return f"{self.origin}/push/subscription-1"

    def endpoint_for(self, name: str) -> str:
        return f"{self.origin}/push/{name}"


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
            if self.path in peer.gone:
                self.send_response(410)
                self.end_headers()
                return
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


@contextmanager
def school_push(settings: Any, *, subject: str) -> Iterator[PushPeer]:
    """A fresh VAPID key for the platform (pytest-django's `settings`) and a running peer."""
    key = ec.generate_private_key(ec.SECP256R1())
    settings.WEBPUSH_VAPID_PRIVATE_KEY = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    settings.WEBPUSH_VAPID_SUBJECT = subject
    with push_peer() as running:
        yield running
