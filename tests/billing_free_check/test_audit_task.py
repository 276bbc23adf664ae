"""FREE-1: the daily per-school audit runs in each school and records what the operator sees."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from billing_free_check.models import SchoolAudit
from billing_free_check.tasks import audit_school
from core.tenancy import db
from tests.catalog.conftest import school_client

URL = "/api/v1/free-check/audits/"


def test_clean_school_audit_is_recorded_in_public(school1: Any) -> None:
    result = audit_school.apply(headers={"_schema_name": "school1"})
    assert result.get() == {"school": "school1", "ok": True, "findings": 0}
    audit = SchoolAudit.objects.get(school=school1)
    assert audit.ok and audit.findings == []
    assert db.schema_name == "public"  # the task gave the connection back


def test_planted_table_in_one_school_fails_only_that_schools_audit(
    school1: Any, school2: Any
) -> None:
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute('CREATE TABLE "school1"."fee_tariff" (id bigint, monthly_price integer)')
    assert audit_school.apply(headers={"_schema_name": "school1"}).get()["ok"] is False
    assert audit_school.apply(headers={"_schema_name": "school2"}).get()["ok"] is True
    audit = SchoolAudit.objects.get(school=school1)
    subjects = {f["subject"] for f in audit.findings}
    assert subjects == {"school1.fee_tariff", "school1.fee_tariff.monthly_price"}
    assert all(f["kind"] == "paywall" and f["fix"] for f in audit.findings)


def test_platform_wide_violation_shows_in_every_schools_audit(school1: Any) -> None:
    with override_settings(SENTRY_DSN="https://abc@o1.ingest.sentry.io/2"):
        outcome = audit_school.apply(headers={"_schema_name": "school1"}).get()
    assert outcome["ok"] is False
    finding = SchoolAudit.objects.get(school=school1).findings[0]
    assert finding["kind"] == "paid_integration" and finding["subject"] == "SENTRY_DSN"


def test_audit_refuses_to_run_in_public(db: None) -> None:
    result = audit_school.apply()  # the connection is on public: the header says public
    with pytest.raises(Exception, match="sent from public"):
        result.get()
    assert not SchoolAudit.objects.exists()


def test_daily_schedule_fans_the_audit_out_from_public() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["billing-free-check-daily"]
    assert entry["task"] == "tenants.for_each_school"
    assert entry["args"] == ["billing_free_check.audit_school"]
    assert entry["options"] == {"headers": {"_schema_name": "public"}}
    from config.celery import app

    assert "billing_free_check.audit_school" in app.tasks


def test_operator_sees_the_latest_audit_of_each_school(
    operator_client: Any, school1: Any, school2: Any
) -> None:
    SchoolAudit.objects.create(school=school1, ok=False, findings=[{"code": "E001"}])
    audit_school.apply(headers={"_schema_name": "school1"})
    audit_school.apply(headers={"_schema_name": "school2"})
    response = operator_client.get(URL)
    assert response.status_code == 200
    assert [(a["school"], a["ok"]) for a in response.json()] == [
        ("school1", True),
        ("school2", True),
    ]


def test_only_the_operator_reads_audits(
    public_client: Any, department_user: Any, school1: Any
) -> None:
    assert public_client.get(URL).status_code == 403
    public_client.force_authenticate(department_user)
    assert public_client.get(URL).status_code == 403
    assert school_client("school1").get(URL).status_code == 404
