"""ESIA's signed client_secret: sign → verify, and the whole flow in ESIA mode against
the provider process, which verifies the signature with the client's public key."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from identity import esia
from tests.identity.conftest import Browser, Family
from tests.identity.test_sso_flow import invite


def pem(key: Any) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.mark.parametrize(
    "key",
    [
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ed25519.Ed25519PrivateKey.generate(),
    ],
    ids=["rsa", "ed25519"],
)
def test_client_secret_round_trips(key: Any) -> None:
    signer = esia.KeySigner(pem(key))
    timestamp = esia.esia_timestamp()
    secret = esia.client_secret(
        signer=signer, scope="openid", timestamp=timestamp, client_id="EDU01", state="s-1"
    )
    message = esia.client_secret_message(
        scope="openid", timestamp=timestamp, client_id="EDU01", state="s-1"
    )
    assert message == f"openid{timestamp}EDU01s-1".encode()
    assert esia.verify_key_signature(signer.public_key_pem(), message, esia.b64url_decode(secret))
    other = esia.client_secret_message(
        scope="openid snils", timestamp=timestamp, client_id="EDU01", state="s-1"
    )
    assert not esia.verify_key_signature(signer.public_key_pem(), other, esia.b64url_decode(secret))


def test_command_signer_is_the_gost_hook(tmp_path: Any) -> None:
    """The production hook pipes the message to a tool; here `openssl` with an RSA key
    stands in for a ГОСТ-capable one."""
    import shutil

    if shutil.which("openssl") is None:
        pytest.fail("this test needs the openssl command (Debian package openssl)")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(pem(key))
    signer = esia.CommandSigner(f"openssl dgst -sha256 -sign {key_file}")
    signature = signer.sign(b"openid2026EDU01s-1")
    public = esia.KeySigner(pem(key)).public_key_pem()
    assert esia.verify_key_signature(public, b"openid2026EDU01s-1", signature)
    with pytest.raises(RuntimeError):
        esia.CommandSigner("false").sign(b"x")


def test_sign_in_in_esia_mode(
    browser: Browser, family1: Family, school1: Any, settings: Any
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer = esia.KeySigner(pem(key))
    browser.peer.reset(esia_public_key=signer.public_key_pem().decode())
    settings.SSO_CLIENT_AUTH = "esia"
    settings.ESIA_SIGNER = "key"
    settings.ESIA_SIGNING_KEY = pem(key).decode()
    esia.configured_signer.cache_clear()
    try:
        browser.peer.add_user("mama", sub="esia-8008")
        code = invite(family1, family1.parent.user)
        authorize = browser.start()
        assert "client_secret=" in authorize and "timestamp=" in authorize
        assert browser.callback(browser.provider_login(authorize, "mama")).status_code == 302
        browser.portal.post("/sso/invitation/", {"school_id": school1.pk, "code": code})
        assert browser.enter("school1").status_code == 302

        # A client whose signature the provider cannot verify gets no token.
        wrong = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        settings.ESIA_SIGNING_KEY = pem(wrong).decode()
        esia.configured_signer.cache_clear()
        fresh = Browser(peer=browser.peer)
        response = fresh.portal.get("/sso/login/")
        callback = fresh.peer.http.get(response["Location"]).headers.get("Location", "")
        assert "error=invalid_client_secret" in callback
    finally:
        esia.configured_signer.cache_clear()
