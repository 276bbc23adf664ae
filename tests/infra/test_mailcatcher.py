"""`make demo`'s mail catcher (infra/mailcatcher.py, aiosmtpd) as a real process: the
platform's SMTP backend delivers to it, the message lands in the folder as .eml and is
listed and readable on its page (issue #16: where to read the demo's mail)."""

from __future__ import annotations

import email
import email.policy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.core.mail import EmailMessage, get_connection

CATCHER = Path(__file__).resolve().parents[2] / "infra" / "mailcatcher.py"


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[tuple[int, str, Path]]:
    folder = tmp_path / "mail"
    process = subprocess.Popen(
        [sys.executable, str(CATCHER), "--dir", str(folder), "--smtp-port", "0", "--web-port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("READY "), (line, process.stderr.read() if process.stderr else "")
        _, smtp, web = line.split()
        yield int(smtp), f"http://127.0.0.1:{web}", folder
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_mail_sent_through_smtp_is_kept_listed_and_readable(
    catcher: tuple[int, str, Path],
) -> None:
    smtp, web, folder = catcher
    assert "Писем пока нет" in httpx.get(f"{web}/").text
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=smtp, timeout=10
    )
    sent = EmailMessage(
        subject="Отметки за 18 ноября: Смирнов Артём",
        body="Математика: 2 (контрольная работа).\nРусский язык: Н.",
        from_email="noreply@edu.example.ru",
        to=["o.smirnova@example.ru"],
        connection=connection,
    ).send()
    assert sent == 1

    files = sorted(folder.glob("*.eml"))
    assert len(files) == 1
    kept = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert kept["X-Envelope-To"] == "o.smirnova@example.ru"
    assert str(kept["Subject"]).strip() == "Отметки за 18 ноября: Смирнов Артём"

    listing = httpx.get(f"{web}/")
    assert listing.status_code == 200
    assert "Отметки за 18 ноября: Смирнов Артём" in listing.text
    assert "o.smirnova@example.ru" in listing.text
    shown = httpx.get(f"{web}/m/{files[0].name}")
    assert shown.status_code == 200 and "Математика: 2 (контрольная работа)." in shown.text
    # Only the folder's own .eml files are served.
    assert httpx.get(f"{web}/m/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert httpx.get(f"{web}/m/{files[0].stem}.part").status_code == 404
