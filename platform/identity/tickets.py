"""Hand-over tickets from the SSO portal to a school's host.

A ticket is signed (TimestampSigner, a salt of its own), lives about a minute, names
the target school's schema and the school-side user, carries the browser binding the
school set in its own session (so a ticket cannot be planted in another browser), and
is accepted once: its id is remembered in the cache until it would have expired anyway.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from identity.oidc import SsoError

TICKET_SALT = "identity.handover-ticket.v1"


@dataclass(frozen=True)
class Ticket:
    jti: str
    schema: str
    user_id: int
    subject_hash: str
    binding: str


def ticket_issue(*, schema: str, user_id: int, subject_hash: str, binding: str) -> str:
    payload = {
        "jti": secrets.token_urlsafe(16),
        "schema": schema,
        "uid": user_id,
        "sh": subject_hash,
        "b": binding,
    }
    return signing.TimestampSigner(salt=TICKET_SALT).sign_object(payload, compress=True)


def ticket_redeem(*, value: str, schema: str, binding: str) -> Ticket:
    """Verify a ticket for this school and this browser, once. Raises SsoError."""
    max_age = settings.SSO_TICKET_MAX_AGE
    try:
        payload = signing.TimestampSigner(salt=TICKET_SALT).unsign_object(value, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise SsoError("ticket_expired", "Срок действия ссылки для входа истёк.") from exc
    except signing.BadSignature as exc:
        raise SsoError("ticket_bad_signature") from exc
    try:
        ticket = Ticket(
            jti=str(payload["jti"]),
            schema=str(payload["schema"]),
            user_id=int(payload["uid"]),
            subject_hash=str(payload["sh"]),
            binding=str(payload["b"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SsoError("ticket_malformed") from exc
    if ticket.schema != schema:
        raise SsoError("ticket_wrong_school", "Эта ссылка для входа выдана для другой школы.")
    # cache.add is atomic in Redis (SET NX): of two concurrent redemptions, one wins. Any
    # presentation uses the ticket up, so one shown in a wrong browser is burnt as well.
    if not cache.add(f"identity:ticket-used:{ticket.jti}", 1, timeout=max_age + 30):
        raise SsoError("ticket_used", "Эта ссылка для входа уже использована.")
    if not binding or not secrets.compare_digest(ticket.binding, binding):
        raise SsoError("ticket_wrong_browser", "Начните вход заново на этом устройстве.")
    return ticket
