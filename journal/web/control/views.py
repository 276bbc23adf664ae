"""The journal-keeping control page (REP-2): the director and deputies."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from journal.web.control import selectors
from journal.web.pages import WHOLE_SCHOOL, date_param, school_page


@school_page(roles=WHOLE_SCHOOL, deny=404)
def control(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    date_from = date_param(request.GET, "from", today.replace(day=1))
    date_to = date_param(request.GET, "to", today)
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    rows = selectors.journal_control(for_user=request.user, date_from=date_from, date_to=date_to)
    return render(
        request,
        "web/control/control.html",
        {"rows": rows, "date_from": date_from, "date_to": date_to},
    )
