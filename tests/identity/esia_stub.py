"""The Госуслуги stand-in (infra/esia_stub) as a real process for the tests.

`run_stub(...)` writes the stand-in's configuration (clients, people) into a folder of
its own (its SQLite database and keys live there too), starts it on a free port with the
test run's clock (tests/identity/esia_stub_process.py) and yields its origin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

LAUNCHER = Path(__file__).with_name("esia_stub_process.py")


@dataclass(frozen=True)
class ClientKey:
    private_pem: str
    public_pem: str


def client_key() -> ClientKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ClientKey(
        private_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        public_pem=key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
    )


@contextmanager
def run_stub(
    folder: Path, *, clients: list[dict[str, Any]], people: list[dict[str, str]]
) -> Iterator[str]:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.json"
    config.write_text(json.dumps({"clients": clients, "people": people}), encoding="utf-8")
    env = {
        **os.environ,
        "ESIA_STUB_CONFIG": str(config),
        "ESIA_STUB_DATA": str(folder),
        "DJANGO_SETTINGS_MODULE": "esia_stub.settings",
    }
    env.pop("ESIA_STUB_ISSUER", None)
    process = subprocess.Popen(
        [sys.executable, str(LAUNCHER), "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("READY "):
            process.kill()
            raise AssertionError((line, process.stderr.read() if process.stderr else ""))
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        process.terminate()
        process.wait(timeout=10)
