"""`demo_code` gives a demo user's current second-factor code, and only in the demo."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice


def test_prints_a_code_the_device_accepts(operator: Any, settings: Any) -> None:
    settings.DEMO_TOOLS = True
    device = TOTPDevice.objects.create(user=operator, name="Демо", confirmed=True)
    out = io.StringIO()
    call_command("demo_code", "alice", stdout=out)
    assert device.verify_token(out.getvalue().strip())


def test_refused_outside_the_demo(operator: Any, settings: Any) -> None:
    settings.DEMO_TOOLS = False
    TOTPDevice.objects.create(user=operator, name="Демо", confirmed=True)
    with pytest.raises(CommandError, match="demo settings"):
        call_command("demo_code", "alice")
