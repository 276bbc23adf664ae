"""Keyed hashes of external identifiers (SEC-4: the raw identifiers are never stored)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def _key(purpose: str) -> bytes:
    # One secret, one derived key per purpose: a subject hash can never be compared with
    # a SNILS hash, and a leak of one table says nothing about the other.
    # A dedicated key (SSO_SUBJECT_HASH_KEY) is expected in production (check identity.W001);
    # without one the key is derived from SECRET_KEY, which then must never rotate.
    secret = (settings.SSO_SUBJECT_HASH_KEY or f"derived:{settings.SECRET_KEY}").encode()
    return hmac.new(secret, f"edujournal/{purpose}/v1".encode(), hashlib.sha256).digest()


def subject_hash(*, issuer: str, subject: str) -> str:
    """HMAC-SHA256 of the provider's issuer and subject id (hex, 64 chars)."""
    message = f"{issuer.rstrip('/')}\n{subject}".encode()
    return hmac.new(_key("subject"), message, hashlib.sha256).hexdigest()


def normalise_snils(value: str) -> str:
    """11 digits of a СНИЛС, whatever the separators; '' when not a valid СНИЛС."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    if len(digits) != 11:
        return ""
    number, check = digits[:9], int(digits[9:])
    total = sum(int(d) * (9 - i) for i, d in enumerate(number))
    if total < 100:
        expected = total
    elif total in (100, 101):
        expected = 0
    else:
        expected = total % 101
        if expected == 100:
            expected = 0
    # The checksum is defined for numbers above 001-001-998 only.
    if int(number) > 1001998 and expected != check:
        return ""
    return digits


def snils_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised СНИЛС; '' for an invalid one."""
    digits = normalise_snils(value)
    if not digits:
        return ""
    return hmac.new(_key("snils"), digits.encode(), hashlib.sha256).hexdigest()
