"""System checks for the SSO configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register


@register("security")
def sso_settings_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    problems = []
    if settings.SSO_ISSUER and not settings.SSO_SUBJECT_HASH_KEY:
        problems.append(
            Warning(
                "SSO_SUBJECT_HASH_KEY is not set: the subject index key is derived from "
                "SECRET_KEY, and rotating SECRET_KEY would unlink every parent and pupil.",
                id="identity.W001",
            )
        )
    if settings.SSO_CLIENT_AUTH == "esia" and settings.ESIA_SIGNER == "key":
        problems.append(
            Warning(
                "ESIA_SIGNER is 'key' (RSA/Ed25519, development only); production ESIA "
                "needs a ГОСТ Р 34.10-2012 signer (ESIA_SIGNER=command).",
                id="identity.W002",
            )
        )
    return problems
