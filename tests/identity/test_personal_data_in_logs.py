"""SEC-4: an error carrying a pupil's name and СНИЛС reaches neither the log output nor
the Sentry event (captured with a local transport)."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
import sentry_sdk
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django_tenants.utils import schema_context

from core.sentry import init_sentry
from identity.logfilter import PersonalDataFilter
from journal.roster.models import Pupil
from tests.core.test_sentry import CapturingTransport
from tests.identity.conftest import Family

SNILS = "112-233-445 95"


def failing_view(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = Pupil.objects.select_related("user").get(pk=pupil_id)
    snils = request.POST["snils"]
    logging.getLogger("journal.roster").warning("Сверка %s: СНИЛС %s", pupil.user.full_name, snils)
    raise ValueError(f"Не удалось сохранить: {pupil.user.full_name}, СНИЛС {snils}")


urlpatterns = [path("boom/<int:pupil_id>/", failing_view)]


@pytest.fixture
def log_output() -> Any:
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, PersonalDataFilter) for f in h.filters)
    ]
    assert handlers, "the console handler carries the personal-data filter"
    stream = io.StringIO()
    previous = [h.setStream(stream) for h in handlers]  # type: ignore[attr-defined]
    yield stream
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)  # type: ignore[attr-defined]


@pytest.fixture
def sentry_events() -> Any:
    transport = CapturingTransport()
    init_sentry(dsn="http://public@127.0.0.1:9/1", transport=transport)
    yield transport
    sentry_sdk.flush()
    sentry_sdk.get_client().close()
    sentry_sdk.init()


@override_settings(ROOT_URLCONF=__name__)
def test_error_with_pupil_name_and_snils_leaks_nowhere(
    family1: Family, log_output: io.StringIO, sentry_events: CapturingTransport
) -> None:
    with schema_context("school1"):
        full_name = family1.pupil.user.full_name
    assert "Иванов" in full_name
    client = Client(HTTP_HOST="school1.localhost", raise_request_exception=False)
    response = client.post(f"/boom/{family1.pupil.pk}/", {"snils": SNILS})
    assert response.status_code == 500
    sentry_sdk.flush()

    output = log_output.getvalue()
    assert "Internal Server Error" in output and "ValueError" in output  # it was logged
    assert "Сверка" in output
    # SNILS fragments long enough not to occur by chance (ports, ids, timings).
    for secret in ("Иванов", "Пётр", "112-233", "233-445", SNILS):
        assert secret not in output, secret

    assert sentry_events.events, "the error reached Sentry"
    for event in sentry_events.events:
        text = repr(event)
        for secret in ("Иванов", "Пётр", "112-233", "233-445", SNILS):
            assert secret not in text, secret
