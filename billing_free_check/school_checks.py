"""Checks of one school's own configuration, run inside the school's schema.

What a school can make differ from the platform: objects in its own schema (tables and
columns beyond what migrations made), and, in time, its own integrations. Platform-wide
findings (settings, licences, models) apply to every school too, so a school's audit
lists them as well: a paid service anywhere is a paid service in every school's journal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from billing_free_check.engine import Finding, paywall_words, project_findings
from core.tenancy import db


def school_schema_findings() -> list[Finding]:
    """Tables and columns of the current school's schema whose names introduce payment."""
    schema = db.schema_name
    allowed = list(getattr(settings, "BILLING_FREE_CHECK_ALLOWED_NAMES", []) or [])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = %s ORDER BY table_name, ordinal_position",
            [schema],
        )
        rows = cursor.fetchall()
    findings: list[Finding] = []
    tables_seen: set[str] = set()
    for table, column in rows:
        for subject, name in ([(table, table)] if table not in tables_seen else []) + [
            (f"{table}.{column}", column)
        ]:
            words = paywall_words(name)
            if words and f"{schema}.{subject}" not in allowed:
                findings.append(
                    Finding(
                        "E030",
                        "paywall",
                        f"{schema}.{subject}",
                        f"В схеме школы {schema} объект {subject} вводит платность "
                        f"({', '.join(words)}).",
                        f"Drop {subject} from schema {schema}: it was not created by the "
                        "platform's migrations, or its model must be removed.",
                    )
                )
        tables_seen.add(table)
    return findings


def school_findings() -> list[Finding]:
    """Everything the audit reports for the school whose schema is active."""
    return school_schema_findings() + project_findings()
