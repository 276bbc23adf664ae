"""Закрытие учебного года (YEAR-1, 003 §5.2.3): the director's guided procedure.

1. the check: every class with its pupils with and without year marks, and what blocks;
2. the outcome preview: promoted, conditionally promoted with their debts, held back,
   graduated (nothing is written);
3. the confirmation with the director's order → `year_close`.

A closed year is shown read-only with every pupil's outcome; a POST to it is refused with
409. The director and deputies (the service's roles); anybody else gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from journal.structure.closing import year_must_be_open
from journal.web.manage.selectors import year_chosen
from journal.web.pages import WHOLE_SCHOOL, int_param, may_write, school_page, submit
from journal.web.yearend.forms import YearCloseForm, year_close_initial
from journal.yearend import selectors as ye_selectors
from journal.yearend import services as ye_services

TEMPLATE = "web/yearend/close.html"
CLOSED_TEMPLATE = "web/yearend/closed.html"


def closed_response(
    request: HttpRequest, check: ye_selectors.YearCheck, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    closing, decisions = ye_selectors.year_closing_get(year_id=check.year.pk, for_user=request.user)
    by_outcome: dict[str, list[object]] = {o: [] for o in ye_selectors.Outcome.values}
    for decision in decisions:
        by_outcome[decision.outcome].append(decision)
    return render(
        request,
        CLOSED_TEMPLATE,
        {
            "year": check.year,
            "closing": closing,
            "promoted": by_outcome[ye_selectors.Outcome.PROMOTED],
            "conditional": by_outcome[ye_selectors.Outcome.CONDITIONAL],
            "held_back": by_outcome[ye_selectors.Outcome.HELD_BACK],
            "graduated": by_outcome[ye_selectors.Outcome.GRADUATED],
            "refusal": refusal,
        },
        status=status,
    )


@school_page(roles=WHOLE_SCHOOL, methods=("GET", "POST"))
def year_close(request: HttpRequest) -> HttpResponse:
    year = year_chosen(year_id=int_param(request.GET, "year"), for_user=request.user, required=True)
    check = ye_selectors.year_close_check(year_id=year.pk, for_user=request.user)
    posted = request.method == "POST"
    if check.closing is not None:
        if not posted:
            return closed_response(request, check)
        try:
            year_must_be_open(year.pk)
        except ApplicationError as exc:
            return closed_response(request, check, refusal=exc.message, status=409)
    today = timezone.localdate()
    form = (
        YearCloseForm(request.POST)
        if posted
        else YearCloseForm(initial=year_close_initial(year, today))
    )
    params = request.POST if posted else request.GET
    graduating = [9, 11] if params.get("graduate_ninth") else [11]
    if posted:
        result = submit(
            form,
            lambda _v: ye_services.year_close(
                year=check.year, by=request.user, **form.service_args()
            ),
        )
        if result is not None:
            messages.success(
                request,
                f"Учебный год {year.title} закрыт. Создан учебный год {result.next_year.title}.",
            )
            return redirect(f"{reverse('web:yearend')}?year={year.pk}")
    closes_from = ye_selectors.year_closes_from(year)
    return render(
        request,
        TEMPLATE,
        {
            "year": year,
            "check": check,
            "incomplete": [p for p in check.pupils if p.missing],
            "outcomes": ye_selectors.year_close_outcomes(check, graduating_grades=graduating),
            "graduate_ninth": graduating == [9, 11],
            "closes_from": closes_from,
            "too_early": today < closes_from,
            "form": form if may_write(request) else None,
        },
        status=400 if posted else 200,
    )
