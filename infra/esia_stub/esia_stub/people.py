"""The stub's configuration: its clients (relying parties) and its demo people.

One JSON file (``ESIA_STUB_CONFIG``) written by whoever starts the stub (`make demo`
writes it from the platform's demo data, tests write their own)::

    {"clients": [{"client_id": "...", "name": "...", "redirect_uris": ["..."],
                  "auth": "esia", "public_key": "<PEM>"}          # signed client_secret
                 | {..., "auth": "client_secret_post", "secret": "..."}],
     "people": [{"oid": "1000300001", "last_name": "...", "first_name": "...",
                 "middle_name": "...", "snils": "112-233-445 95", "phone": "+7 ...",
                 "email": "...", "password": "...", "about": "..."}]}

A person signs in with their phone, e-mail or СНИЛС, as on the real sign-in page; the
ID token's ``sub`` is their ЕСИА ``oid``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Client:
    client_id: str
    redirect_uris: tuple[str, ...]
    auth: str  # "esia" (signed client_secret) or "client_secret_post"
    name: str = "Информационная система"
    public_key: str = ""
    secret: str = ""


@dataclass(frozen=True)
class Person:
    oid: str
    last_name: str
    first_name: str
    middle_name: str = ""
    snils: str = ""
    phone: str = ""
    email: str = ""
    password: str = ""
    about: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


@dataclass(frozen=True)
class Config:
    clients: tuple[Client, ...]
    people: tuple[Person, ...]

    def client(self, client_id: str) -> Client | None:
        return next((c for c in self.clients if c.client_id == client_id), None)

    def person(self, oid: str) -> Person | None:
        return next((p for p in self.people if p.oid == oid), None)

    def find(self, login: str) -> Person | None:
        """The person with this phone, e-mail or СНИЛС (any separators)."""
        text = (login or "").strip().lower()
        if "@" in text:
            return next((p for p in self.people if p.email.lower() == text), None)
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) != 11:
            return None
        for person in self.people:
            if digits == _digits(person.snils):
                return person
            phone = _digits(person.phone)
            if phone and digits[1:] == phone[1:] and digits[0] in "78":
                return person
        return None


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def config_path() -> Path:
    raw = os.environ.get("ESIA_STUB_CONFIG", "")
    if not raw:
        raise RuntimeError("ESIA_STUB_CONFIG is not set: the stub has no clients or people.")
    return Path(raw)


@cache
def config() -> Config:
    data = json.loads(config_path().read_text(encoding="utf-8"))
    clients = tuple(
        Client(
            client_id=c["client_id"],
            redirect_uris=tuple(c["redirect_uris"]),
            auth=c.get("auth", "esia"),
            name=c.get("name", "Информационная система"),
            public_key=c.get("public_key", ""),
            secret=c.get("secret", ""),
        )
        for c in data.get("clients", [])
    )
    known = set(Person.__dataclass_fields__) - {"extra"}
    people = tuple(
        Person(**{str(k): str(v) for k, v in p.items() if k in known})  # type: ignore[arg-type]
        for p in data.get("people", [])
    )
    return Config(clients=clients, people=people)
