"""An OpenID Connect relying party: authorization code flow with PKCE, state and nonce.

Small on purpose: discovery, JWKS, the authorization URL, the code exchange and the
ID token checks (signature with an allowed asymmetric algorithm, never ``none``; iss,
aud, azp, exp, nbf, iat, nonce). The provider is configured from the environment
(SSO_ISSUER, SSO_CLIENT_ID, …); ESIA's signed client_secret comes from `identity.esia`.
Cryptography is joserfc's; HTTP is httpx's.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from core.errors import ApplicationError
from identity import esia

METADATA_TTL = 3600
JWKS_TTL = 600


class SsoError(ApplicationError):
    """The sign-in was refused. `reason` is for logs and tests; `message` for the person."""

    status_code = 400

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(
            message or "Не удалось войти через Госуслуги. Попробуйте ещё раз.",
            extra={"reason": reason},
        )
        self.reason = reason


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class PendingAuth:
    """What the browser's session keeps between the redirect and the callback."""

    state: str
    nonce: str
    code_verifier: str
    scope: str
    purpose: str
    started_at: float

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PendingAuth:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


def _require_secure(url: str) -> str:
    """HTTPS, except to loopback (development and tests)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https":
        return url
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if parts.scheme == "http" and loopback:
        return url
    raise SsoError("insecure_endpoint")


def _http() -> httpx.Client:
    return httpx.Client(timeout=settings.SSO_HTTP_TIMEOUT, follow_redirects=False)


def _get_json(url: str) -> dict[str, Any]:
    try:
        with _http() as client:
            response = client.get(_require_secure(url), headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoError("provider_unreachable") from exc
    if not isinstance(data, dict):
        raise SsoError("provider_bad_response")
    return data


def issuer() -> str:
    value = settings.SSO_ISSUER
    if not value:
        raise SsoError("not_configured", "Вход через Госуслуги не настроен.")
    return str(value).rstrip("/")


def provider_metadata() -> ProviderMetadata:
    """The provider's discovery document (cached); its issuer must be the configured one."""
    iss = issuer()
    key = f"identity:oidc-metadata:{hashlib.sha256(iss.encode()).hexdigest()}"
    data = cache.get(key)
    if not isinstance(data, dict):
        data = _get_json(f"{iss}/.well-known/openid-configuration")
        if str(data.get("issuer", "")).rstrip("/") != iss:
            raise SsoError("issuer_mismatch")
        cache.set(key, data, METADATA_TTL)
    try:
        return ProviderMetadata(
            issuer=iss,
            authorization_endpoint=_require_secure(data["authorization_endpoint"]),
            token_endpoint=_require_secure(data["token_endpoint"]),
            jwks_uri=_require_secure(data["jwks_uri"]),
        )
    except KeyError as exc:
        raise SsoError("provider_bad_response") from exc


def _jwks(metadata: ProviderMetadata, *, refresh: bool = False) -> KeySet:
    key = f"identity:oidc-jwks:{hashlib.sha256(metadata.jwks_uri.encode()).hexdigest()}"
    data = None if refresh else cache.get(key)
    if not isinstance(data, dict):
        data = _get_json(metadata.jwks_uri)
        cache.set(key, data, JWKS_TTL)
    try:
        return KeySet.import_key_set(data)  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise SsoError("provider_bad_keys") from exc


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _esia_params(scope: str, state: str) -> dict[str, str]:
    timestamp = esia.esia_timestamp()
    return {
        "timestamp": timestamp,
        "client_secret": esia.client_secret(
            signer=esia.configured_signer(),
            scope=scope,
            timestamp=timestamp,
            client_id=settings.SSO_CLIENT_ID,
            state=state,
        ),
    }


def authorization_request(
    *, redirect_uri: str, scope: str, purpose: str
) -> tuple[str, PendingAuth]:
    """The provider URL to send the browser to, and what to keep in its session."""
    metadata = provider_metadata()
    pending = PendingAuth(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        scope=scope,
        purpose=purpose,
        started_at=time.time(),
    )
    params = {
        "response_type": "code",
        "client_id": settings.SSO_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": pending.state,
        "nonce": pending.nonce,
        "code_challenge": _challenge(pending.code_verifier),
        "code_challenge_method": "S256",
    }
    if settings.SSO_CLIENT_AUTH == "esia":
        params.update(_esia_params(scope, pending.state))
        params["access_type"] = "online"
    separator = "&" if "?" in metadata.authorization_endpoint else "?"
    return f"{metadata.authorization_endpoint}{separator}{urlencode(params)}", pending


def exchange_code(*, code: str, redirect_uri: str, pending: PendingAuth) -> dict[str, Any]:
    """The token request (with the PKCE verifier and the client's authentication)."""
    metadata = provider_metadata()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": pending.code_verifier,
        "client_id": settings.SSO_CLIENT_ID,
    }
    auth: httpx.BasicAuth | None = None
    method = settings.SSO_CLIENT_AUTH
    if method == "client_secret_post":
        form["client_secret"] = settings.SSO_CLIENT_SECRET
    elif method == "client_secret_basic":
        auth = httpx.BasicAuth(settings.SSO_CLIENT_ID, settings.SSO_CLIENT_SECRET)
    elif method == "esia":
        # ESIA wants a fresh state for the token request, signed like the first one.
        token_state = secrets.token_urlsafe(32)
        form.update(
            {"scope": pending.scope, "state": token_state, "token_type": "Bearer"},
            **_esia_params(pending.scope, token_state),
        )
    try:
        with _http() as client:
            response = client.post(
                metadata.token_endpoint,
                data=form,
                auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                headers={"Accept": "application/json"},
            )
    except httpx.HTTPError as exc:
        raise SsoError("provider_unreachable") from exc
    if response.status_code != 200:
        raise SsoError("token_refused")
    try:
        tokens = response.json()
    except ValueError as exc:
        raise SsoError("provider_bad_response") from exc
    if not isinstance(tokens, dict) or not isinstance(tokens.get("id_token"), str):
        raise SsoError("no_id_token")
    return tokens


def _header(token: str) -> dict[str, Any]:
    try:
        segment = token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, IndexError) as exc:
        raise SsoError("bad_id_token") from exc
    if not isinstance(header, dict):
        raise SsoError("bad_id_token")
    return header


def validate_id_token(*, id_token: str, nonce: str) -> dict[str, Any]:
    """Signature and claims of the ID token; returns its claims."""
    metadata = provider_metadata()
    allowed = tuple(settings.SSO_ID_TOKEN_ALGORITHMS)
    alg = _header(id_token).get("alg")
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in allowed:
        raise SsoError("bad_algorithm")
    try:
        try:
            token = jwt.decode(id_token, _jwks(metadata), algorithms=list(allowed))
        except (JoseError, ValueError) as exc:
            if "kid" not in str(exc).lower() and "key" not in str(exc).lower():
                raise
            # A rotated key: fetch the key set once more.
            token = jwt.decode(id_token, _jwks(metadata, refresh=True), algorithms=list(allowed))
    except (JoseError, ValueError) as exc:
        raise SsoError("bad_signature") from exc
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=settings.SSO_CLOCK_SKEW,
        iss={"essential": True, "value": metadata.issuer},
        aud={"essential": True, "value": settings.SSO_CLIENT_ID},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        claim = getattr(exc, "claim", "") or ""
        raise SsoError(f"bad_claim:{claim}" if claim else "bad_claims") from exc
    audience = claims.get("aud")
    if isinstance(audience, list) and len(audience) > 1:
        if claims.get("azp") != settings.SSO_CLIENT_ID:
            raise SsoError("bad_claim:azp")
    return claims
