"""Recording audit results."""

from __future__ import annotations

from django.db import transaction

from billing_free_check.models import SchoolAudit
from billing_free_check.school_checks import school_findings
from core.errors import ApplicationError
from core.tenancy import db
from tenants.models import School


@transaction.atomic
def school_audit_record() -> SchoolAudit:
    """Audit the school whose schema is active and store the result in public.

    Runs inside the school's schema (the task's connection is set to it). SchoolAudit is a
    public table: the school's search path is "<school>, public" and the school's schema
    has no table of that name, so the insert lands in public, where the operator reads it.
    """
    schema = db.schema_name
    if schema == "public":
        raise ApplicationError("Проверка школы запускается в схеме школы.")
    school = School.objects.get(schema_name=schema)
    findings = [f.as_dict() for f in school_findings()]
    return SchoolAudit.objects.create(school=school, ok=not findings, findings=findings)
