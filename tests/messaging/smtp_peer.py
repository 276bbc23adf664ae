"""A real SMTP server for the tests, built on aiosmtpd (RFC 5321).

It listens on 127.0.0.1 on a free port, in aiosmtpd's controller thread of the test
process, and keeps what it received. The client side under test is Django's real
`smtp.EmailBackend` over TCP. `fail_data=True` makes it refuse every message with a
temporary error (451), as a relay that is out of service would.
"""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None
        return str(body.get_content())


@dataclass
class SmtpPeer:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    fail_data: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler:
    """aiosmtpd's handler hook for DATA: keep the message or refuse it for now."""

    def __init__(self, peer: SmtpPeer) -> None:
        self.peer = peer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.peer.fail_data:
            return "451 Temporary failure, try again later"
        data = envelope.original_content or envelope.content
        with self.peer.lock:
            self.peer.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(data))
            )
        return "250 OK queued"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_peer() -> Iterator[SmtpPeer]:
    peer = SmtpPeer(host="127.0.0.1", port=_free_port())
    controller = Controller(_Handler(peer), hostname=peer.host, port=peer.port)
    controller.start()
    try:
        yield peer
    finally:
        controller.stop()
