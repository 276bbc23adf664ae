"""Reads of the reports (REP-1, REP-5, TPL-3): the forms a user may open, and one report
computed from the published form version and validated parameters, for the acting user.

`report_run` keeps a fixed number of queries whatever the class or school size: the form
version, the scope, the parameters' objects, the selector's few bulk reads, the audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from catalog.models import ReportForm
from core.replica import replica_reads
from journal.access import scope_for
from journal.audit.services import access_log
from journal.reports.layout import FormDef, ReportTable, build_table
from journal.reports.params import Params, ParamsForm
from journal.reports.registry import REGISTRY, may_open
from journal.structure.models import AcademicYear, ClassGroup, ReportingPeriod, Subject
from journal.structure.selectors import visible_class_ids_q


def form_def(code: str, version: int | None = None) -> FormDef:
    """The published form (its latest version, or the one a file recorded); 404 if none."""
    qs = ReportForm.objects.filter(code=code)
    row = qs.filter(version=version).first() if version else qs.order_by("-version").first()
    if row is None:
        raise Http404
    return FormDef.of(row)


@dataclass(frozen=True)
class ReportEntry:
    code: str
    title: str
    requirement: str
    version: int
    available: bool  # a computation exists for the code


def report_list(*, for_user: Any) -> list[ReportEntry]:
    """The catalogue's forms the user may open (latest versions), REP-1 first."""
    from catalog.selectors import report_form_list

    scope = scope_for(for_user)
    entries = []
    for row in report_form_list().exclude(row_kind="school"):  # the department's forms
        spec = REGISTRY.get(row.code)
        if spec is not None and not may_open(spec.access, scope):
            continue
        if spec is None and not scope.whole_school:
            continue
        entries.append(ReportEntry(row.code, row.title, row.requirement, row.version, bool(spec)))
    return sorted(entries, key=lambda e: (e.requirement, not e.available, e.title))


@dataclass
class ReportRun:
    form: FormDef
    params_form: ParamsForm
    params: Params | None
    table: ReportTable | None


def report_run(
    *, code: str, data: Any, for_user: Any, version: int | None = None, log: bool = True
) -> ReportRun:
    """The report for the parameters in `data` (a query string): the table when they are
    valid, the form with its Russian errors otherwise. 404: no such form here, a user who
    may not open it, an object of another school or class. The read is logged (ROLE-4)."""
    spec = REGISTRY.get(code)
    scope = scope_for(for_user)
    if spec is None or not may_open(spec.access, scope):
        raise Http404
    form = form_def(code, version)
    params_form = ParamsForm(data, form=form)
    if not params_form.is_valid() or params_form.resolved is None:
        return ReportRun(form, params_form, None, None)
    params = params_form.resolved
    # The heavy part reads on the read replica, if any (core/replica.py): committed marks
    # and lessons; the table states the moment of its data.
    with replica_reads():
        table = build_table(form, spec.compute(params, scope))
    if log:
        access_log(
            user=for_user,
            action="read",
            what=f"reports.{code}",
            pupil_ids=table.pupil_ids,
            details={"version": form.version, "parameters": params.as_dict()},
        )
    return ReportRun(form, params_form, params, table)


def param_choices(*, for_user: Any) -> dict[str, list[tuple[Any, str]]]:
    """The select options of the parameters' fields: the school years, the periods, the
    classes the user may list, the subjects."""
    scope = scope_for(for_user)
    years = list(AcademicYear.objects.order_by("-starts_on"))
    current = next((y for y in years if y.is_current), years[0] if years else None)
    periods = ReportingPeriod.objects.filter(year=current).order_by("grade_from", "starts_on")
    classes = ClassGroup.objects.filter(visible_class_ids_q(scope), year=current)
    return {
        "academic_year": [(y.pk, y.title) for y in years],
        "period": [(p.pk, f"{p.title} ({p.grade_from}–{p.grade_to} кл.)") for p in periods],
        "class_group": [(c.pk, c.title) for c in classes.order_by("grade", "letter")],
        "subject": [(s.pk, s.title) for s in Subject.objects.order_by("title")],
    }
