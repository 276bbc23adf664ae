"""`manage.py billing_free_check --format json|text`: FREE-1 as a CLI for CI and operators.

Exit status 0 when nothing is found, 1 otherwise. The JSON form is documented in
docs/billing_free_check.md.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from billing_free_check.engine import project_findings


class Command(BaseCommand):
    help = "Fail when a paid integration, a non-free licence or a paywall is configured (FREE-1)"
    # The system check would stop the command before it could list the findings itself.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        findings = project_findings()
        if options["format"] == "json":
            report = {
                "ok": not findings,
                "count": len(findings),
                "findings": [f.as_dict() for f in findings],
            }
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        elif not findings:
            self.stdout.write("billing_free_check: OK — платных сервисов не найдено.")
        else:
            for f in findings:
                self.stdout.write(
                    f"[{f.code}] {f.kind}: {f.subject}\n  {f.message}\n  fix: {f.fix}"
                )
            self.stdout.write(f"billing_free_check: найдено нарушений: {len(findings)}")
        if findings:
            raise SystemExit(1)
