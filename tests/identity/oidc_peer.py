"""A small OpenID Connect provider for the identity tests, run as a separate process.

It speaks the protocol over real HTTP on 127.0.0.1: discovery, JWKS, an authorization
endpoint with a login form (code flow, PKCE S256 required, state and nonce echoed),
and a token endpoint that checks the client (client_secret_post, or ESIA's signed
client_secret verified with the client's public key), the redirect URI, the PKCE
verifier and single use of each code. Faults for the negative tests are switched on
through a small admin API (`PUT /_admin/faults`): wrong_aud, wrong_iss, expired,
not_yet_valid, alg_none, wrong_nonce, bad_signature.

Run: python tests/identity/oidc_peer.py  → prints "READY <port>" and serves until killed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "platform"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from joserfc import jwt
from joserfc.jwk import RSAKey

from identity.esia import b64url_decode, client_secret_message, verify_key_signature
from tests import clock

SIGNING_KEY = RSAKey.generate_key(2048, parameters={"kid": "peer-1", "use": "sig"})
ROGUE_KEY = RSAKey.generate_key(2048, parameters={"kid": "peer-1", "use": "sig"})


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.clients: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.requests: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.faults: set[str] = set()
        self.token_requests = 0


STATE = State()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class Handler(BaseHTTPRequestHandler):
    server_version = "oidc-peer/1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # --- helpers -----------------------------------------------------------------------
    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{getattr(self.server, 'server_port', 0)}"

    def _send(self, code: int, body: str | bytes, ctype: str = "application/json") -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _json(self, code: int, obj: Any) -> None:
        self._send(code, json.dumps(obj))

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self._body().decode()).items()}

    # --- routes ------------------------------------------------------------------------
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            return self._json(
                200,
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                    "scopes_supported": ["openid", "snils"],
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                },
            )
        if url.path == "/jwks":
            return self._json(200, {"keys": [SIGNING_KEY.as_dict(private=False)]})
        if url.path == "/authorize":
            return self._authorize(query)
        if url.path == "/_admin/stats":
            return self._json(200, {"token_requests": STATE.token_requests})
        return self._json(404, {"error": "not_found"})

    def _authorize(self, q: dict[str, str]) -> None:
        client = STATE.clients.get(q.get("client_id", ""))
        if client is None or q.get("redirect_uri") not in client["redirect_uris"]:
            # Never redirect to an unregistered URI.
            return self._send(400, "<h1>Unknown client or redirect URI</h1>", "text/html")
        problems = []
        if q.get("response_type") != "code":
            problems.append("unsupported_response_type")
        if "openid" not in q.get("scope", "").split():
            problems.append("invalid_scope")
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            problems.append("pkce_required")
        if not q.get("state") or not q.get("nonce"):
            problems.append("state_and_nonce_required")
        if client.get("esia_public_key"):
            message = client_secret_message(
                scope=q.get("scope", ""),
                timestamp=q.get("timestamp", ""),
                client_id=q["client_id"],
                state=q.get("state", ""),
            )
            try:
                signature = b64url_decode(q.get("client_secret", ""))
            except ValueError:
                signature = b""
            if not verify_key_signature(client["esia_public_key"].encode(), message, signature):
                problems.append("invalid_client_secret")
        if problems:
            sep = "&" if "?" in q["redirect_uri"] else "?"
            err = urlencode({"error": problems[0], "state": q.get("state", "")})
            return self._redirect(f"{q['redirect_uri']}{sep}{err}")
        rid = secrets.token_urlsafe(16)
        with STATE.lock:
            STATE.requests[rid] = q
        page = f"""<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>Госуслуги (тестовый провайдер)</title></head><body>
<h1>Вход (тестовый провайдер)</h1>
<form method="post" action="/authorize/confirm">
<input type="hidden" name="rid" value="{html.escape(rid)}">
<label for="login">Логин</label> <input id="login" name="login">
<label for="password">Пароль</label> <input id="password" name="password" type="password">
<button type="submit" id="submit">Войти</button>
</form></body></html>"""
        return self._send(200, page, "text/html; charset=utf-8")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/authorize/confirm":
            return self._confirm(self._form())
        if url.path == "/token":
            return self._token(self._form())
        return self._json(404, {"error": "not_found"})

    def _confirm(self, form: dict[str, str]) -> None:
        with STATE.lock:
            req = STATE.requests.pop(form.get("rid", ""), None)
        user = STATE.users.get(form.get("login", ""))
        if req is None:
            return self._send(400, "<h1>Expired request</h1>", "text/html")
        if user is None or user.get("password", "") != form.get("password", ""):
            return self._send(401, "<h1>Неверный логин или пароль</h1>", "text/html")
        code = secrets.token_urlsafe(24)
        with STATE.lock:
            STATE.codes[code] = {"req": req, "user": user, "used": False, "at": time.time()}
        sep = "&" if "?" in req["redirect_uri"] else "?"
        params = urlencode({"code": code, "state": req["state"]})
        return self._redirect(f"{req['redirect_uri']}{sep}{params}")

    def _token(self, form: dict[str, str]) -> None:
        STATE.token_requests += 1
        if form.get("grant_type") != "authorization_code":
            return self._json(400, {"error": "unsupported_grant_type"})
        client = STATE.clients.get(form.get("client_id", ""))
        if client is None:
            return self._json(401, {"error": "invalid_client"})
        if client.get("esia_public_key"):
            message = client_secret_message(
                scope=form.get("scope", ""),
                timestamp=form.get("timestamp", ""),
                client_id=form["client_id"],
                state=form.get("state", ""),
            )
            try:
                signature = b64url_decode(form.get("client_secret", ""))
            except ValueError:
                signature = b""
            if not verify_key_signature(client["esia_public_key"].encode(), message, signature):
                return self._json(401, {"error": "invalid_client"})
        elif not secrets.compare_digest(form.get("client_secret", ""), client["secret"]):
            return self._json(401, {"error": "invalid_client"})
        with STATE.lock:
            entry = STATE.codes.get(form.get("code", ""))
            if entry is None or entry["used"] or time.time() - entry["at"] > 60:
                return self._json(400, {"error": "invalid_grant"})
            entry["used"] = True
        req = entry["req"]
        if req["client_id"] != form["client_id"] or req["redirect_uri"] != form.get("redirect_uri"):
            return self._json(400, {"error": "invalid_grant"})
        challenge = b64(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if not secrets.compare_digest(challenge, req["code_challenge"]):
            return self._json(400, {"error": "invalid_grant", "error_description": "pkce"})
        return self._json(
            200,
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(req, entry["user"]),
            },
        )

    def _id_token(self, req: dict[str, str], user: dict[str, Any]) -> str:
        now = int(time.time())
        faults = STATE.faults
        claims: dict[str, Any] = {
            "iss": "http://127.0.0.1:1/not-the-issuer" if "wrong_iss" in faults else self.issuer,
            "sub": user["sub"],
            "aud": "someone-else" if "wrong_aud" in faults else req["client_id"],
            "iat": now - 900 if "expired" in faults else now,
            "exp": now - 600 if "expired" in faults else now + 300,
            "nbf": now + 900 if "not_yet_valid" in faults else now,
            "nonce": ("x" + req["nonce"]) if "wrong_nonce" in faults else req["nonce"],
        }
        if "snils" in req.get("scope", "").split() and user.get("snils"):
            claims["snils"] = user["snils"]
        if "alg_none" in faults:
            header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
            return f"{header}.{b64(json.dumps(claims).encode())}."
        key = ROGUE_KEY if "bad_signature" in faults else SIGNING_KEY
        return jwt.encode({"alg": "RS256", "kid": "peer-1"}, claims, key)

    def do_PUT(self) -> None:
        url = urlsplit(self.path)
        data = json.loads(self._body() or b"null")
        with STATE.lock:
            if url.path == "/_admin/reset":
                STATE.reset()
            elif url.path == "/_admin/client":
                STATE.clients[data["client_id"]] = data
            elif url.path == "/_admin/users":
                STATE.users.update(data)
            elif url.path == "/_admin/faults":
                STATE.faults = set(data)
            else:
                return self._json(404, {"error": "not_found"})
        return self._send(204, b"")


def main() -> None:
    clock.start()  # the test run's "now" (inherited offset), before any token is made
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
