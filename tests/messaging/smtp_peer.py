"""A real SMTP server for the tests (RFC 5321, the part Django's SMTP backend speaks).

It listens on 127.0.0.1 on a free port, in a thread of the test process, and keeps what
it received. Python's standard library lost its SMTP server (`smtpd`, removed in 3.12)
and aiosmtpd is not one of the project's locked dependencies, so this small one stands in
for a mail relay: the client side under test is Django's real `smtp.EmailBackend` over
TCP. `fail_data=True` makes it refuse every message with a temporary error (451).
"""

from __future__ import annotations

import email
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any


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


class _Handler(socketserver.StreamRequestHandler):
    peer: SmtpPeer

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 test-smtp ESMTP ready")
        mail_from, rcpt_to = "", list[str]()
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.reply("250-test-smtp")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 test-smtp")
            elif verb == "MAIL":
                mail_from, rcpt_to = line.split(":", 1)[1].split()[0].strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt_to.append(line.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if self.peer.fail_data:
                    self.reply("451 Temporary failure, try again later")
                else:
                    with self.peer.lock:
                        self.peer.received.append(Received(mail_from, list(rcpt_to), data))
                    self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines: list[bytes] = []
        while True:
            raw = self.rfile.readline(1 << 20)
            if raw in (b".\r\n", b".\n", b""):
                return b"".join(lines)
            lines.append(raw[1:] if raw.startswith(b"..") else raw)  # dot-unstuffing


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def smtp_peer() -> Iterator[SmtpPeer]:
    peer = SmtpPeer(host="127.0.0.1", port=0)
    handler: Any = type("Handler", (_Handler,), {"peer": peer})
    server = _Server(("127.0.0.1", 0), handler)
    peer.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, name="smtp-peer", daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
