"""The demo's mail catcher: an SMTP server (aiosmtpd) that keeps every message it gets.

`make demo` points the platform's EMAIL_HOST/EMAIL_PORT here. Each message is written
to ``<dir>/<time>-<n>.eml`` (the envelope's sender and recipients in ``X-Envelope-*``
headers) and listed on a small page, ``http://127.0.0.1:<web-port>/``, newest first,
each message readable as text. Nothing leaves the machine.

    python infra/mailcatcher.py --dir .data/mail --smtp-port 8025 --web-port 8002

Prints ``READY <smtp port> <web port>`` once both listen (port 0 picks free ones).
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import html
import itertools
import socket
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class MailStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def save(self, envelope: Envelope) -> Path:
        data = envelope.original_content or envelope.content or b""
        raw = data if isinstance(data, bytes) else data.encode()
        headers = (
            f"X-Envelope-From: {envelope.mail_from}\r\n"
            f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        with self._lock:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            path = self.folder / f"{stamp}-{next(self._numbers):04d}.eml"
            while path.exists():
                path = self.folder / f"{stamp}-{next(self._numbers):04d}.eml"
            temporary = path.with_suffix(".part")
            temporary.write_bytes(headers + raw)
            temporary.rename(path)
        return path

    def messages(self) -> list[tuple[str, EmailMessage]]:
        found = []
        for path in sorted(self.folder.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            found.append((path.name, message))
        return found

    def read(self, name: str) -> EmailMessage | None:
        path = self.folder / Path(name).name
        if path.suffix != ".eml" or not path.is_file():
            return None
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        return message


class Handler:
    def __init__(self, store: MailStore) -> None:
        self.store = store

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.store.save(envelope)
        return "250 Message accepted for delivery"


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    return content if isinstance(content, str) else ""


PAGE = """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 24px; color: #1b2733; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; border-bottom: 1px solid #dde3ea; padding: 6px 8px; }}
pre {{ white-space: pre-wrap; background: #f5f7fa; padding: 12px; }}
</style></head><body>{body}</body></html>"""


def web_handler(store: MailStore) -> type[BaseHTTPRequestHandler]:
    class Web(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _page(self, status: int, title: str, body: str) -> None:
            data = PAGE.format(title=html.escape(title), body=body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/":
                rows = "".join(
                    f"<tr><td>{html.escape(str(m['Date'] or ''))}</td>"
                    f"<td>{html.escape(str(m['X-Envelope-To'] or m['To'] or ''))}</td>"
                    f'<td><a href="/m/{html.escape(name)}">'
                    f"{html.escape(str(m['Subject'] or '(без темы)').strip())}</a></td></tr>"
                    for name, m in store.messages()
                )
                body = (
                    "<h1>Почта демо</h1>"
                    f"<p>Письма, отправленные журналом (папка {html.escape(str(store.folder))})."
                    "</p><table><thead><tr><th>Дата</th><th>Кому</th><th>Тема</th></tr>"
                    f"</thead><tbody>{rows}</tbody></table>"
                    if rows
                    else "<h1>Почта демо</h1><p>Писем пока нет.</p>"
                )
                return self._page(200, "Почта демо", body)
            if self.path.startswith("/m/"):
                message = store.read(unquote(self.path[3:]))
                if message is None:
                    return self._page(404, "Нет такого письма", "<h1>Нет такого письма</h1>")
                subject = str(message["Subject"] or "(без темы)").strip()
                head = "".join(
                    f"<tr><th>{label}</th><td>{html.escape(str(message[key] or ''))}</td></tr>"
                    for label, key in (("От", "From"), ("Кому", "To"), ("Дата", "Date"))
                )
                body = (
                    f'<p><a href="/">← все письма</a></p><h1>{html.escape(subject)}</h1>'
                    f"<table>{head}</table><pre>{html.escape(_text(message))}</pre>"
                )
                return self._page(200, subject, body)
            return self._page(404, "Не найдено", "<h1>Не найдено</h1>")

    return Web


def _free_port() -> int:
    # aiosmtpd's controller checks itself on the port it was given: it cannot take 0.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=".data/mail")
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--web-port", type=int, default=8002)
    args = parser.parse_args()
    store = MailStore(Path(args.dir))
    smtp_port = args.smtp_port or _free_port()
    controller = Controller(Handler(store), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    web = ThreadingHTTPServer(("127.0.0.1", args.web_port), web_handler(store))
    print(f"READY {smtp_port} {web.server_address[1]}", flush=True)
    try:
        web.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        web.server_close()
        controller.stop()


if __name__ == "__main__":
    main()
