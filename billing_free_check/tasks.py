"""The daily per-school audit (FREE-1), fanned out by `tenants.for_each_school`."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from tenants.tasking import SchoolTask


@shared_task(base=SchoolTask, bind=True, name="billing_free_check.audit_school")
def audit_school(self: Any) -> dict[str, Any]:
    """Run the school-scoped checks in this school's schema and record the result.

    Once per task id (issue #11): the audit row and the task's TaskRun row commit together,
    so a copy redelivered after a worker died before its ack records nothing more.
    """
    from billing_free_check.services import school_audit_record
    from outbox.services import task_once

    with task_once(self) as first:
        if not first:
            return {"skipped": "already done", "task_id": self.request.id}
        audit = school_audit_record()
    return {"school": audit.school.schema_name, "ok": audit.ok, "findings": len(audit.findings)}
