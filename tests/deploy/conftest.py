"""The deployment checks: name the count of rendered Kubernetes objects validated."""

from __future__ import annotations

from typing import Any

from tests.deploy.chart import KUBERNETES_VERSIONS, VALIDATED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    if not VALIDATED:
        return
    total = sum(VALIDATED.values())
    parts = ", ".join(f"{name}: {count}" for name, count in sorted(VALIDATED.items()))
    terminalreporter.write_sep("-", "helm chart")
    terminalreporter.write_line(
        f"helm chart: {total} rendered objects validated against the Kubernetes "
        f"{' and '.join(KUBERNETES_VERSIONS)} schemas ({parts})"
    )
