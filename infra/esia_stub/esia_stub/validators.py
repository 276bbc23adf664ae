"""django-oauth-toolkit's validator with what ЕСИА does differently.

- Client authentication at the token endpoint: for a client registered with
  ``"auth": "esia"`` the ``client_secret`` is a signature (see esia.py), checked against
  the client's public key; other clients use the toolkit's own checks.
- Claims: ``sub`` is the person's ЕСИА ``oid`` (not a database id); ``snils`` comes with
  the ``snils`` scope, the name parts with ``fullname``, e-mail and phone with ``email``
  and ``mobile``.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from esia_stub.esia import signature_valid
from esia_stub.people import config


class EsiaValidator(OAuth2Validator):
    oidc_claim_scope = {
        "sub": "openid",
        "snils": "snils",
        "family_name": "fullname",
        "given_name": "fullname",
        "middle_name": "fullname",
        "email": "email",
        "phone_number": "mobile",
    }

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        client = config().client(request.client_id or "")
        if client is None or client.auth != "esia":
            return bool(super().authenticate_client(request, *args, **kwargs))
        if self._load_application(request.client_id, request) is None:
            return False
        params = request._params
        return signature_valid(
            public_key_pem=client.public_key,
            scope=params.get("scope") or "",
            timestamp=params.get("timestamp") or "",
            client_id=client.client_id,
            state=params.get("state") or "",
            secret=params.get("client_secret") or "",
        )

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        person = config().person(request.user.username)
        if person is None:
            return {}
        claims = {
            "sub": person.oid,
            "snils": person.snils,
            "family_name": person.last_name,
            "given_name": person.first_name,
            "middle_name": person.middle_name,
            "email": person.email,
            "phone_number": person.phone,
        }
        return {k: v for k, v in claims.items() if v}
