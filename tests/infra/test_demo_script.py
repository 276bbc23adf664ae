"""infra/demo.py's wiring: the platform's ЕСИА client key and the stand-in's configuration
match, and the banner prints the guide and where the mail is (issues #15, #16)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from cryptography.hazmat.primitives import serialization

from demo.logins import ESIA_CLIENT_ID, render_guide, sign_in_guide, stub_people
from identity import esia

SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "demo.py"


def load(tmp_path: Path, monkeypatch: Any) -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "DATA", tmp_path)
    return module


def test_the_stand_in_knows_the_platform_client_and_the_demo_people(
    tmp_path: Path, monkeypatch: Any
) -> None:
    script = load(tmp_path, monkeypatch)
    key_path, public_pem = script.client_key()
    again_path, again_pem = script.client_key()
    assert (again_path, again_pem) == (key_path, public_pem)  # made once, kept
    config = json.loads(script.stub_config(public_pem).read_text(encoding="utf-8"))
    [client] = config["clients"]
    assert client["client_id"] == ESIA_CLIENT_ID and client["auth"] == "esia"
    assert client["redirect_uris"] == [f"http://localhost:{script.PORT}/sso/callback/"]
    assert config["people"] == stub_people()
    # What the platform signs with (ESIA_SIGNING_KEY_FILE) verifies with the stand-in's key.
    signer = esia.KeySigner(key_path.read_bytes())
    message = b"openid2026.11.18 07:00:00 +0000edujournal-demostate"
    assert esia.verify_key_signature(client["public_key"].encode(), message, signer.sign(message))
    private = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert private.key_size == 2048  # type: ignore[union-attr]


def test_the_banner_prints_the_guide_the_stand_in_and_the_mail(
    tmp_path: Path, monkeypatch: Any
) -> None:
    script = load(tmp_path, monkeypatch)
    banner = script.banner()
    site = f"http://localhost:{script.PORT}"
    assert render_guide(sign_in_guide(site=site)) in banner
    assert f"http://127.0.0.1:{script.ESIA_PORT}/" in banner
    assert f"http://127.0.0.1:{script.MAIL_WEB_PORT}/" in banner and ".data/mail/*.eml" in banner
    assert "Новикова Екатерина Сергеевна" in banner  # the parent who needs a code
