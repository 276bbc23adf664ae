"""The nightly fan-out (issue #13): every active school once, spread out with jitter, at
most the cap starting in each slot; the operator's refresh from the console."""

from __future__ import annotations

import random
from typing import Any
from unittest import mock

from department.models import RollupRun
from department.services import fan_out_countdowns
from django.test import Client
from django.urls import reverse


def test_countdowns_keep_the_cap_per_slot_with_jitter() -> None:
    found = fan_out_countdowns(2000, cap=20, spacing=30, rng=random.Random(7))
    slots: dict[int, int] = {}
    for countdown in found:
        slots[int(countdown // 30)] = slots.get(int(countdown // 30), 0) + 1
    assert max(slots.values()) <= 20
    assert len(slots) == 100  # 2,000 schools over 100 slots of 30 s (50 minutes)
    assert len(set(found)) == 2000  # jittered, not in lockstep


def test_fan_out_sends_each_active_school_once_with_its_header(school1: Any, school2: Any) -> None:
    from department.tasks import rollup_fan_out

    with mock.patch("celery.current_app.send_task") as send:
        sent = rollup_fan_out.run()
    assert sorted(sent) == ["school1", "school2"]
    headers = sorted(call.kwargs["headers"]["_schema_name"] for call in send.call_args_list)
    assert headers == ["school1", "school2"]
    assert all(call.args[0] == "department.rollup_school" for call in send.call_args_list)
    assert all(call.kwargs["countdown"] >= 0 for call in send.call_args_list)
    assert RollupRun.objects.filter(status="queued").count() == 2


def test_operator_sees_freshness_and_asks_for_a_refresh(operator: Any, school1: Any) -> None:
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    page = client.get(reverse("console:rollups", urlconf="config.urls_public"))
    assert page.status_code == 200 and "СОШ № 1" in page.content.decode()
    with mock.patch("celery.current_app.send_task") as send:
        answer = client.post(
            reverse("console:rollup-refresh", args=[school1.pk], urlconf="config.urls_public")
        )
    assert answer.status_code == 302
    assert send.call_args.kwargs["headers"] == {"_schema_name": "school1"}
    assert RollupRun.objects.get(school=school1).status == "queued"


def test_department_user_may_not_use_the_console(department_user: Any, school1: Any) -> None:
    client = Client(HTTP_HOST="localhost")
    client.force_login(department_user)
    assert client.get(reverse("console:rollups", urlconf="config.urls_public")).status_code == 403
