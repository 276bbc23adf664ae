"""Administration: the school calendar (SET-1) — school years with their reporting periods,
the dates of the periods, the bell schedule, holidays and schedule changes (quarantine).

The roster managers read every page; the structure managers change them. The services
refuse in Russian (overlapping periods, lessons left outside every period, bad times) and
the errors go back on the form with a 400 that keeps the input.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from journal.access import ROSTER_MANAGERS, STRUCTURE_MANAGERS
from journal.register import services as register
from journal.structure import selectors as structure_selectors
from journal.structure import services as structure
from journal.structure.models import AcademicYear, ReportingPeriod
from journal.web.manage.calendar import selectors
from journal.web.manage.calendar.forms import (
    AcademicYearForm,
    BellScheduleForm,
    PeriodDatesForm,
    ScheduleBreakForm,
)
from journal.web.manage.selectors import year_choices, year_chosen
from journal.web.pages import int_param, may_write, school_page, submit


def chosen_year(request: HttpRequest) -> AcademicYear:
    year: AcademicYear = year_chosen(
        year_id=int_param(request.GET, "year"), for_user=request.user, required=True
    )
    return year


@school_page(roles=ROSTER_MANAGERS, write_roles=STRUCTURE_MANAGERS, methods=("GET", "POST"))
def years(request: HttpRequest) -> HttpResponse:
    """School years with their reporting periods and bells; add a year (periods by default:
    quarters in grades 1–9, half-years in 10–11)."""
    form: AcademicYearForm | None = None
    status = 200
    if request.method == "POST":
        form = AcademicYearForm(request.POST)
        year = submit(form, lambda v: structure.academic_year_create(by=request.user, **v))
        if year:
            messages.success(request, f"Учебный год {year} создан.")
            return redirect("web:manage-years")
        status = 400
    elif may_write(request):
        form = AcademicYearForm(initial={"days_per_week": 5, "make_current": True})
    return render(
        request,
        "web/manage/calendar/years.html",
        {"years": structure_selectors.academic_year_list(for_user=request.user), "form": form},
        status=status,
    )


def period_form(period: ReportingPeriod, data: Any = None) -> PeriodDatesForm:
    initial = {"starts_on": period.starts_on, "ends_on": period.ends_on}
    return PeriodDatesForm(data, prefix=f"p{period.pk}", initial=initial)


@school_page(roles=ROSTER_MANAGERS, write_roles=STRUCTURE_MANAGERS, methods=("GET", "POST"))
def year_periods(request: HttpRequest, year_id: int) -> HttpResponse:
    """The reporting periods of a school year; the structure managers change their dates
    (no overlap within the same grades, inside the year, no lessons or period marks left
    outside every period, SET-1)."""
    year = structure_selectors.academic_year_get(year_id=year_id, for_user=request.user)
    periods = selectors.year_periods(year=year)
    posted: PeriodDatesForm | None = None
    target: ReportingPeriod | None = None
    if request.method == "POST":
        period_id = int_param(request.POST, "period")
        target = next((p for p in periods if p.pk == period_id), None)
        if target is None:
            raise Http404
        posted = period_form(target, request.POST)
        period = target
        if submit(
            posted, lambda v: register.reporting_period_update(period=period, by=request.user, **v)
        ):
            period.refresh_from_db()
            messages.success(
                request,
                f"{period.title} ({period.grade_from}–{period.grade_to} кл.): "
                f"{period.starts_on:%d.%m.%Y}–{period.ends_on:%d.%m.%Y}.",
            )
            return redirect("web:manage-year-periods", year_id=year.pk)
    can_write = may_write(request)
    rows = [
        {
            "period": p,
            "form": (posted if target is not None and p.pk == target.pk else period_form(p))
            if can_write
            else None,
        }
        for p in periods
    ]
    return render(
        request,
        "web/manage/calendar/periods.html",
        {"year": year, "rows": rows, "can_write": can_write},
        status=400 if posted is not None else 200,
    )


@school_page(roles=ROSTER_MANAGERS, write_roles=STRUCTURE_MANAGERS, methods=("GET", "POST"))
def bells(request: HttpRequest) -> HttpResponse:
    """The bell schedule of a school year; the structure managers replace it."""
    year = chosen_year(request)
    bell_slots = selectors.year_bells(year=year)
    form: BellScheduleForm | None = None
    status = 200
    if request.method == "POST":
        form = posted = BellScheduleForm(request.POST)
        slots = submit(
            posted,
            lambda _v: structure.bell_schedule_set(
                year=year, slots=posted.slots(), by=request.user
            ),
        )
        if slots is not None:
            messages.success(
                request, f"Расписание звонков на {year} сохранено: уроков {len(slots)}."
            )
            return redirect(f"{reverse('web:manage-bells')}?year={year.pk}")
        status = 400
    elif may_write(request):
        form = BellScheduleForm(initial=BellScheduleForm.initial_of(bell_slots))
    return render(
        request,
        "web/manage/calendar/bells.html",
        {
            "year": year,
            "years": year_choices(for_user=request.user),
            "bells": bell_slots,
            "form": form,
        },
        status=status,
    )


@school_page(roles=ROSTER_MANAGERS, write_roles=STRUCTURE_MANAGERS, methods=("GET", "POST"))
def breaks(request: HttpRequest) -> HttpResponse:
    """Holidays, public holidays and schedule changes such as quarantine (whole school or
    some classes): no lessons are generated on these days (SET-1)."""
    year = chosen_year(request)
    classes = selectors.year_classes(year=year, for_user=request.user)
    form: ScheduleBreakForm | None = None
    status = 200
    if request.method == "POST":
        form = ScheduleBreakForm(request.POST, classes=classes)
        item = submit(
            form,
            lambda v: structure.schedule_break_create(
                year=year,
                kind=v["kind"],
                title=v["title"].strip(),
                starts_on=v["starts_on"],
                ends_on=v["ends_on"],
                class_group_ids=[c.pk for c in v["class_group_ids"]],
                by=request.user,
            ),
        )
        if item:
            messages.success(
                request,
                f"{item.get_kind_display()} «{item.title}» "
                f"{item.starts_on:%d.%m.%Y}–{item.ends_on:%d.%m.%Y} внесены.",
            )
            return redirect(f"{reverse('web:manage-breaks')}?year={year.pk}")
        status = 400
    elif may_write(request):
        form = ScheduleBreakForm(classes=classes)
    return render(
        request,
        "web/manage/calendar/breaks.html",
        {
            "year": year,
            "years": year_choices(for_user=request.user),
            "rows": selectors.break_rows(year=year, for_user=request.user),
            "form": form,
        },
        status=status,
    )
