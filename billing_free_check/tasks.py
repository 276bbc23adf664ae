"""The daily per-school audit (FREE-1), fanned out by `tenants.for_each_school`."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from tenants.tasking import SchoolTask


@shared_task(base=SchoolTask, name="billing_free_check.audit_school")
def audit_school() -> dict[str, Any]:
    """Run the school-scoped checks in this school's schema and record the result."""
    from billing_free_check.services import school_audit_record

    audit = school_audit_record()
    return {"school": audit.school.schema_name, "ok": audit.ok, "findings": len(audit.findings)}
