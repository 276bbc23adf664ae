"""The deadlines of period, year, exam and final marks (MRK-3, 000 §3.9): the regulation's
default and the date the school's order set, per reporting period and grade band.

Staff read it (the order binds every teacher); the director and deputies set a date with
the order behind it (`mark_deadline_set`). A closed year is read-only (YEAR-1).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from journal.register import services as register
from journal.web.deadlines import selectors
from journal.web.deadlines.forms import DeadlineForm
from journal.web.manage.selectors import year_choices, year_chosen
from journal.web.pages import STAFF_ROLES, WHOLE_SCHOOL, int_param, may_write, school_page, submit


def row_form(row: selectors.DeadlineRow, data: Any = None) -> DeadlineForm:
    initial: dict[str, Any] = {"due_on": row.in_force.due_on}
    if row.order is not None:
        initial |= {"order_number": row.order.order_number, "order_date": row.order.order_date}
    return DeadlineForm(data, prefix=row.key, initial=initial)


@school_page(roles=STAFF_ROLES, write_roles=WHOLE_SCHOOL, methods=("GET", "POST"))
def deadlines(request: HttpRequest) -> HttpResponse:
    year = year_chosen(year_id=int_param(request.GET, "year"), for_user=request.user, required=True)
    rows = selectors.deadline_rows(year=year, for_user=request.user)
    closed = selectors.year_is_closed(year=year, for_user=request.user)
    posted: DeadlineForm | None = None
    target: selectors.DeadlineRow | None = None
    if request.method == "POST":
        target = next((r for r in rows if r.key == request.POST.get("line")), None)
        if target is None:
            raise Http404
        posted = row_form(target, request.POST)
        row = target
        saved = submit(
            posted,
            lambda v: register.mark_deadline_set(
                year=year, kind=row.kind, period=row.period, by=request.user, **v
            ),
        )
        if saved:
            messages.success(
                request,
                f"{row.title}: срок — {saved.due_on:%d.%m.%Y} "
                f"(приказ № {saved.order_number} от {saved.order_date:%d.%m.%Y}).",
            )
            return redirect(f"{reverse('web:deadlines')}?year={year.pk}#{row.key}")
    can_write = may_write(request) and not closed
    shown = [
        {
            "row": r,
            "form": (posted if target is not None and r.key == target.key else row_form(r))
            if can_write
            else None,
        }
        for r in rows
    ]
    return render(
        request,
        "web/deadlines/deadlines.html",
        {
            "year": year,
            "years": year_choices(for_user=request.user),
            "rows": shown,
            "closed": closed,
            "failed": posted,
        },
        status=400 if posted is not None else 200,
    )
