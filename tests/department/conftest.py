from __future__ import annotations

from typing import Any

import pytest

from tests.department.schools import HandSchool, build, refresh

# Real workers for the task tests (tests/reliability/conftest.py).
from tests.reliability.conftest import committed_school, redis_server  # noqa: F401


@pytest.fixture
def hand_schools(school1: Any, school2: Any) -> dict[str, HandSchool]:
    built = {"A": build("school1", "A"), "B": build("school2", "B")}
    refresh("school1", "school2")
    return built
