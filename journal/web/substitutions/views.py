"""Substitutions (ROLE-3, ROLE-5; 000 §3.9): the deputy grants a substitute one lesson, with
the reason, and the journal of substituted lessons lists them all (date, class, subject,
substitute, absent teacher, reason, who granted it) by period or dates.

The granted substitute then finds the lesson among their lessons of the day and enters it
(`register.substitute_lesson`, given by `substitution_grant`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from journal.register import services as register
from journal.register.models import Lesson
from journal.structure.models import StaffMember
from journal.structure.selectors import exists_here_or_404
from journal.web.fields import set_queryset
from journal.web.manage.selectors import year_chosen
from journal.web.pages import TEACHERS, WHOLE_SCHOOL, date_param, int_param, school_page, submit
from journal.web.selectors import period_chosen
from journal.web.substitutions import selectors
from journal.web.substitutions.forms import SubstitutionForm

JOURNAL_READERS = TEACHERS | WHOLE_SCHOOL


@school_page(roles=JOURNAL_READERS)
def substitutions(request: HttpRequest) -> HttpResponse:
    """Журнал замещения уроков of the current year, by reporting period or by dates."""
    year = year_chosen(year_id=None, for_user=request.user, required=True)
    periods = selectors.year_periods(year=year)
    period_id = int_param(request.GET, "period")
    period = period_chosen(periods, period_id) if period_id is not None else None
    if period is not None:
        date_from, date_to = period.starts_on, period.ends_on
    else:
        date_from = date_param(request.GET, "from", year.starts_on)
        date_to = date_param(request.GET, "to", year.ends_on)
        if date_to < date_from:
            date_from, date_to = date_to, date_from
    page = selectors.journal_page(
        for_user=request.user,
        year=year,
        date_from=date_from,
        date_to=date_to,
        page_number=request.GET.get("page"),
    )
    query = {"from": date_from.isoformat(), "to": date_to.isoformat()}
    return render(
        request,
        "web/substitutions/journal.html",
        {
            "year": year,
            "periods": periods,
            "period": period,
            "date_from": date_from,
            "date_to": date_to,
            "page": page,
            "query": urlencode(query),
            "may_grant": selectors.may_grant(for_user=request.user),
        },
    )


@school_page(roles=WHOLE_SCHOOL, methods=("GET", "POST"), deny=404)
def substitution_grant(request: HttpRequest) -> HttpResponse:
    """The deputy picks a lesson of a day, the substitute and the reason (ROLE-3)."""
    source = request.POST if request.method == "POST" else request.GET
    day = date_param(source, "date", timezone.localdate())
    # A lesson or teacher of another school is 404 (TEN-3), not a form error.
    exists_here_or_404(Lesson, int_param(source, "lesson"))
    exists_here_or_404(StaffMember, int_param(source, "substitute_id"))
    if request.method == "POST":
        form = SubstitutionForm(request.POST)
    else:
        form = SubstitutionForm(initial={"lesson": int_param(source, "lesson")})
    set_queryset(form, "lesson", selectors.lessons_on(day=day, for_user=request.user))
    set_queryset(form, "substitute_id", selectors.substitutes())
    if request.method == "POST":
        lesson = submit(
            form,
            lambda v: register.substitution_grant(
                lesson=v["lesson"],
                substitute=v["substitute_id"],
                reason=v["reason"],
                by=request.user,
            ),
        )
        if lesson:
            messages.success(
                request,
                f"Замена назначена: {lesson.date:%d.%m.%Y}, {lesson.slot}-й урок, "
                f"{lesson.assignment.class_group.title} {lesson.assignment.subject.title} — "
                f"{lesson.substitute}.",
            )
            query = urlencode({"from": day.isoformat(), "to": day.isoformat()})
            return redirect(f"{reverse('web:substitutions')}?{query}")
    return render(
        request,
        "web/substitutions/grant.html",
        {"form": form, "day": day},
        status=400 if request.method == "POST" else 200,
    )
