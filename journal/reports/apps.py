from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports and paper copies (issue #12; REP-1, REP-3, REP-5, TPL-3)."""

    name = "journal.reports"
    label = "reports"
    verbose_name = "Журнал: отчёты и бумажные копии"
