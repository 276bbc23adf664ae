"""Generated report files (REP-5): made, recorded with their provenance, made again.

A file records the form's code and version, the resolved parameters, the moment of the
newest data row it shows and the SHA-256 of its bytes. `generated_report_remake` builds it
again from the same version and parameters: while the data has not changed the bytes are
equal (the archive relies on this, ARC-3). Every download is an export in the access log
(ROLE-4).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.http import Http404

from accounts import roles
from journal.audit.services import access_log
from journal.reports import paper_copy
from journal.reports.layout import FormDef
from journal.reports.models import GeneratedReport
from journal.reports.params import Params
from journal.reports.registry import PAPER_COPY, REGISTRY
from journal.reports.render import Heading, pdf_document, xlsx_document
from journal.reports.selectors import report_run

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def school_title() -> str:
    tenant = getattr(connection, "tenant", None)
    return str(getattr(tenant, "name", "") or getattr(tenant, "short_name", "") or "")


def director_name() -> str:
    director = (
        get_user_model()
        .objects.filter(groups__name=roles.DIRECTOR, is_active=True)
        .order_by("id")
        .first()
    )
    return str(director.full_name) if director else ""


def heading(form: FormDef, params: Params) -> Heading:
    return Heading(
        school=school_title(),
        parameters=params.labels(form),
        signatures=[("Директор", director_name()), ("Ответственный за отчёт", "")],
    )


def render_file(
    *,
    code: str,
    data: Any,
    fmt: str,
    for_user: Any,
    version: int | None = None,
    pdf_variant: str | None = None,
) -> tuple[FormDef, Params, bytes, Any, list[int]]:
    """Compute the report and render it to `fmt`; (form, params, bytes, data_at, pupils).
    Invalid parameters raise the form's errors as a ValidationError (400 in the API).
    `pdf_variant` (e.g. "pdf/a-3b", the archive's) is passed to WeasyPrint."""
    from django.core.exceptions import ValidationError

    if code == PAPER_COPY.code:
        if fmt != "pdf":
            raise Http404
        copy = paper_copy.paper_copy(data=data, for_user=for_user)
        return (
            PAPER_COPY,
            copy.params,
            paper_copy.paper_copy_pdf(copy, pdf_variant=pdf_variant),
            copy.data_at,
            copy.pupil_ids,
        )
    spec = REGISTRY.get(code)
    if spec is None or fmt not in spec.formats:
        raise Http404
    run = report_run(code=code, data=data, for_user=for_user, version=version, log=False)
    if run.table is None or run.params is None:
        errors = run.params_form.errors.get_json_data()
        raise ValidationError({k: [e["message"] for e in v] for k, v in errors.items()})
    if fmt == "pdf":
        content = pdf_document(run.table, heading(run.form, run.params), pdf_variant=pdf_variant)
    else:
        content = xlsx_document(run.table, heading(run.form, run.params))
    return run.form, run.params, content, run.table.data_at, run.table.pupil_ids


@transaction.atomic
def report_file_create(*, code: str, data: Any, fmt: str, by: Any) -> GeneratedReport:
    """Make a report file, record it (REP-5) and log the export (ROLE-4)."""
    form, params, content, data_at, pupil_ids = render_file(
        code=code, data=data, fmt=fmt, for_user=by
    )
    report = GeneratedReport.objects.create(
        form_code=form.code,
        form_version=form.version,
        form_id=form.form_id,
        parameters=params.as_dict(),
        format=fmt,
        data_at=data_at,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        created_by=by,
    )
    access_log(
        user=by,
        action="export",
        what=f"reports.{form.code}",
        pupil_ids=pupil_ids,
        details={"generated_report_id": report.pk, "format": fmt, "version": form.version},
    )
    return report


def generated_report_remake(*, report: GeneratedReport, for_user: Any) -> bytes:
    """The recorded file made again from its form version and parameters (the same bytes
    while the data has not changed; compare with `report.sha256`)."""
    version = report.form_version or None
    form = PAPER_COPY if report.form_code == PAPER_COPY.code else None
    data = dict(report.parameters)
    if form is None:
        from journal.reports.selectors import form_def

        form = form_def(report.form_code, version)
    by_name = {p["type"]: p["name"] for p in form.parameters}
    query = {by_name[k]: v for k, v in data.items() if k in by_name}
    _form, _params, content, _at, _pupils = render_file(
        code=report.form_code, data=query, fmt=report.format, for_user=for_user, version=version
    )
    return content
