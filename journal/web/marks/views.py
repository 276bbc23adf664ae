"""The teacher's period, year, exam and final marks pages (issue #10, MRK-3, DIA-2).

- «Итоговые отметки за период»: per assignment and period, the period's marks, the weighted
  average and the suggested mark, an input per pupil (keyboard entry, a plain POST form
  without the script); open in the period's last weeks, closed after the school order's
  deadline (`period_marks_save` refuses, nothing is written).
- «Годовые и итоговые отметки»: per assignment, the period marks, year and exam marks to
  enter, the final marks the adopted rule proposes and the teacher confirms
  (`final_marks_confirm`).

The journal's readers see the pages (the class teacher, the heads: read only); only the
subject's teacher writes (the services decide, the gate keeps other roles out).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.errors import PermissionDeniedError
from core.forms import SERVICE_ERRORS
from journal.register import selectors as reg_selectors
from journal.register import services as reg_services
from journal.register.models import PeriodMark
from journal.web.marks import selectors
from journal.web.marks.forms import ConfirmForm, MarksForm
from journal.web.pages import STAFF_ROLES, TEACHERS, school_page

PERIOD: str = PeriodMark.Kind.PERIOD.value
YEAR: str = PeriodMark.Kind.YEAR.value
EXAM: str = PeriodMark.Kind.EXAM.value
NO_MARKS = "Введите хотя бы одну отметку."


def saved_text(count: int) -> str:
    return f"Сохранено отметок: {count}. Они уже видны в дневнике."


# ---------------------------------------------------------------- the period's marks


def period_form(page: selectors.PeriodPage, data: object = None) -> MarksForm:
    missing = [r.pupil_id for r in page.sheet.rows if r.value is None]
    return MarksForm(data, columns={PERIOD: missing}, allowed=page.sheet.allowed_values)


@school_page(roles=STAFF_ROLES, methods=("GET", "POST"), write_roles=TEACHERS, deny=404)
def period_marks(request: HttpRequest, assignment_id: int, period_id: int) -> HttpResponse:
    """The period's marks of a class in a subject; the teacher saves them in one POST."""
    page = selectors.period_page(
        assignment_id=assignment_id, period_id=period_id, for_user=request.user
    )
    if request.method != "POST":
        return period_response(request, page, period_form(page))
    if not page.sheet.may_write:
        raise PermissionDenied("Итоговые отметки выставляет учитель, ведущий предмет.")
    form = period_form(page, request.POST)
    if form.is_valid():
        entries = form.entries()
        if not entries[PERIOD]:
            form.add_error(None, NO_MARKS if page.sheet.state == "open" else page.state_text)
        else:
            try:
                saved = reg_services.period_marks_save(
                    assignment=page.sheet.assignment,
                    kind=PERIOD,
                    period=page.sheet.period,
                    marks=entries[PERIOD],
                    by=request.user,
                )
            except PermissionDeniedError:
                raise
            except SERVICE_ERRORS as exc:
                form.service_errors(exc, entries)
            else:
                messages.success(request, saved_text(len(saved)))
                return redirect(
                    "web:marks-period", assignment_id=assignment_id, period_id=period_id
                )
    return period_response(request, page, form, status=400)


def period_response(
    request: HttpRequest, page: selectors.PeriodPage, form: MarksForm, status: int = 200
) -> HttpResponse:
    rows = [
        {
            "row": r,
            "name": MarksForm.name_of(PERIOD, r.pupil_id),
            "typed": form.typed(PERIOD, r.pupil_id),
            "error": form.error_of(PERIOD, r.pupil_id),
        }
        for r in page.sheet.rows
    ]
    return render(
        request,
        "web/marks/period.html",
        {"p": page, "s": page.sheet, "rows": rows, "form": form},
        status=status,
    )


# ---------------------------------------------------------------- the year: year, exam, final


def year_form(page: selectors.YearPage, data: object = None) -> MarksForm:
    rows = page.sheet.rows
    columns = {YEAR: [r.pupil_id for r in rows if r.year is None]}
    if page.exam_applicable:
        columns[EXAM] = [r.pupil_id for r in rows if r.exam is None]
    return MarksForm(data, columns=columns, allowed=page.sheet.allowed_values)


@school_page(roles=STAFF_ROLES, methods=("GET", "POST"), write_roles=TEACHERS, deny=404)
def year_marks(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The year sheet; the teacher saves year and exam marks in one POST."""
    page = selectors.year_page(assignment_id=assignment_id, for_user=request.user)
    if request.method != "POST":
        return year_response(request, page, year_form(page))
    if not page.sheet.may_write:
        raise PermissionDenied("Годовые отметки выставляет учитель, ведущий предмет.")
    form = year_form(page, request.POST)
    if form.is_valid():
        entries = form.entries()
        if not any(entries.values()):
            closed = [k.text for k in page.kinds.values() if k.kind in entries and not k.editable]
            form.add_error(None, " ".join(closed) if len(closed) == len(entries) else NO_MARKS)
        else:
            try:
                saved = reg_services.year_sheet_save(
                    assignment=page.sheet.assignment, marks=entries, by=request.user
                )
            except PermissionDeniedError:
                raise
            except SERVICE_ERRORS as exc:
                form.service_errors(exc, entries)
            else:
                messages.success(request, saved_text(len(saved)))
                return redirect("web:marks-year", assignment_id=assignment_id)
    return year_response(request, page, form, status=400)


@school_page(roles=TEACHERS, methods=("POST",), deny=404)
def final_marks_confirm(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The teacher confirms the final marks the adopted rule proposes (the ticked pupils)."""
    page = selectors.year_page(assignment_id=assignment_id, for_user=request.user)
    if not page.sheet.may_write:
        raise PermissionDenied("Итоговые отметки выставляет учитель, ведущий предмет.")
    confirm = ConfirmForm(request.POST, pupil_ids=[r.pupil_id for r in page.sheet.rows])
    if confirm.is_valid():
        try:
            saved = reg_services.final_marks_confirm(
                assignment=page.sheet.assignment,
                pupil_ids=confirm.cleaned_data["pupil_ids"],
                by=request.user,
            )
        except PermissionDeniedError:
            raise
        except SERVICE_ERRORS as exc:
            confirm.service_errors(exc, names={r.pupil_id: r.name for r in page.sheet.rows})
        else:
            messages.success(request, f"Итоговые отметки подтверждены: {len(saved)}.")
            return redirect("web:marks-year", assignment_id=assignment_id)
    return year_response(request, page, year_form(page), confirm=confirm, status=400)


def year_response(
    request: HttpRequest,
    page: selectors.YearPage,
    form: MarksForm,
    *,
    confirm: ConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    kinds = [YEAR, EXAM] if page.exam_applicable else [YEAR]

    def cell(kind: str, r: reg_selectors.YearRow) -> tuple[str, str | None, dict[str, str], Any]:
        field = {
            "name": MarksForm.name_of(kind, r.pupil_id),
            "typed": form.typed(kind, r.pupil_id),
            "error": form.error_of(kind, r.pupil_id),
        }
        return kind, r.year if kind == YEAR else r.exam, field, page.kinds[kind]

    rows = [
        {
            "row": r,
            "periods": [r.periods.get(p.pk, "") for p in page.sheet.periods],
            "cells": [cell(kind, r) for kind in kinds],
        }
        for r in page.sheet.rows
    ]
    return render(
        request,
        "web/marks/year.html",
        {
            "p": page,
            "s": page.sheet,
            "rows": rows,
            "form": form,
            "confirm": confirm,
            "year_state": page.kinds[YEAR],
            "exam_state": page.kinds[EXAM] if page.exam_applicable else page.kinds[YEAR],
            "final_state": page.kinds[PeriodMark.Kind.FINAL.value],
        },
        status=status,
    )
