"""The Django system check: `manage.py` refuses to start a project with a paid service.

Registered under the tag `billing_free_check`; runs with every command that runs system
checks (runserver, migrate, check) and in the test suite (tests/billing_free_check).
"""

from __future__ import annotations

from typing import Any

from django.core import checks

from billing_free_check.engine import project_findings


@checks.register("billing_free_check")
def free_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """FREE-1: no paid integration, non-free licence, paywall name or unlisted host."""
    return [
        checks.Error(
            finding.message,
            hint=finding.fix,
            obj=finding.subject,
            id=f"billing_free_check.{finding.code}",
        )
        for finding in project_findings()
    ]
