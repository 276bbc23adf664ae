"""Sentry: off without a DSN; no personal data in events; events tagged with the school."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import sentry_sdk
from django_tenants.utils import schema_context
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from core.sentry import init_sentry, scrub_event

PUPIL = "Петров Пётр Петрович"
SNILS = "112-233-445 95"


class CapturingTransport(Transport):
    """A local transport: events stay in memory instead of leaving the machine."""

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self.events: list[Any] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        event = envelope.get_event()
        if event is not None:
            self.events.append(event)


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Any:
    transport = CapturingTransport()
    guard = init_sentry(dsn="http://public@127.0.0.1:9/1", transport=transport)
    assert guard is not None
    yield transport
    sentry_sdk.flush()
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # back to a client that sends nothing


def test_not_initialised_without_dsn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    monkeypatch.delenv("SENTRY_DSN_FILE", raising=False)
    assert init_sentry() is None


def test_exception_event_has_no_personal_data_and_names_the_school(
    school1: Any, captured: CapturingTransport
) -> None:
    with schema_context("school1"):
        try:
            raise ValueError(f"Не удалось сохранить отметку: {PUPIL}, СНИЛС {SNILS}")
        except ValueError:
            sentry_sdk.capture_exception()
        logging.getLogger("journal").error("Ошибка для %s (%s)", PUPIL, SNILS)
    sentry_sdk.flush()
    assert len(captured.events) == 2
    for event in captured.events:
        text = repr(event)
        assert "Петров" not in text
        assert SNILS not in text
        assert "112-233" not in text
        assert event["tags"]["schema"] == "school1"
        assert "user" not in event
    exception_event = captured.events[0]
    assert exception_event["exception"]["values"][0]["type"] == "ValueError"


def test_scrubber_drops_request_body_cookies_and_personal_fields() -> None:
    event = {
        "request": {
            "url": "https://school1.edu.example.ru/api/v1/pupils/7/",
            "data": {"snils": SNILS},
            "cookies": {"__Host-sessionid": "secret"},
            "query_string": "q=Петров",
            "headers": {"Cookie": "x", "Authorization": "Token t", "Host": "school1"},
        },
        "user": {"email": "p@example.ru"},
        "extra": {"pupil_name": PUPIL, "count": 3, "note": f"СНИЛС {SNILS}"},
    }
    scrubbed = scrub_event(event)
    assert "data" not in scrubbed["request"]
    assert "cookies" not in scrubbed["request"]
    assert "query_string" not in scrubbed["request"]
    assert scrubbed["request"]["headers"] == {"Host": "school1"}
    assert "user" not in scrubbed
    assert scrubbed["extra"]["pupil_name"] == "[скрыто]"
    assert scrubbed["extra"]["count"] == 3
    assert SNILS not in scrubbed["extra"]["note"]
