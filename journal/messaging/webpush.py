"""Web Push without a third-party account (issue #16, COM-2, FREE-1), through pywebpush:
the message is encrypted for the browser (RFC 8291, `aes128gcm`, by http_ece) and signed for
the push service with the platform's own VAPID key (RFC 8292, by py_vapid), then POSTed to
the endpoint the browser registered.

The endpoint's host must pass billing_free_check's outbound allow-list (loopback always).
A push service answering 404 or 410 says the browser's registration is gone: the caller
removes it (`EndpointGone`) instead of retrying for ever.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

TTL_SECONDS = 24 * 3600
TIMEOUT_SECONDS = 10


class EndpointGone(Exception):
    """The push service no longer knows the endpoint (404/410): unsubscribe it."""


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _pem() -> bytes:
    pem = str(getattr(settings, "WEBPUSH_VAPID_PRIVATE_KEY", "") or "")
    if not pem:
        raise RuntimeError("WEBPUSH_VAPID_PRIVATE_KEY is not set")
    return pem.encode()


def vapid() -> Vapid:
    """The platform's VAPID key: settings.WEBPUSH_VAPID_PRIVATE_KEY (PEM, EC P-256)."""
    return Vapid.from_pem(_pem())


def vapid_public_key() -> str:
    """The application server key a browser subscribes with (base64url, uncompressed)."""
    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def vapid_claims() -> dict[str, str | int]:
    """`sub` is the operator's contact (RFC 8292 §2.1); pywebpush adds `aud` and `exp`."""
    subject = str(getattr(settings, "WEBPUSH_VAPID_SUBJECT", "") or "mailto:noreply@localhost")
    return {"sub": subject}


def endpoint_allowed(endpoint: str) -> bool:
    """FREE-1: only push services the outbound allow-list names (loopback always)."""
    from billing_free_check.engine import host_allowed

    host = (urlsplit(endpoint).hostname or "").lower()
    allow = list(getattr(settings, "OUTBOUND_HOST_ALLOWLIST", []) or [])
    return bool(host) and host_allowed(host, allow)


def push_send(*, endpoint: str, p256dh: str, auth: str, message: dict[str, Any]) -> int:
    """Encrypt and POST one notification; the push service's status (201 accepted).
    Raises EndpointGone for 404/410, OSError when the service fails or refuses."""
    if not endpoint_allowed(endpoint):
        raise PermissionError("push endpoint host is not on the outbound allow-list")
    try:
        response = webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=json.dumps(message, ensure_ascii=False),
            vapid_private_key=vapid(),
            vapid_claims=vapid_claims(),
            ttl=TTL_SECONDS,
            timeout=TIMEOUT_SECONDS,
            headers={"Urgency": "normal"},
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            raise EndpointGone(str(status)) from exc
        raise OSError(f"push service answered {status}") from exc
    except Exception as exc:  # requests' connection errors and timeouts
        if isinstance(exc, OSError):
            raise
        raise OSError(type(exc).__name__) from exc
    return int(getattr(response, "status_code", 0))
