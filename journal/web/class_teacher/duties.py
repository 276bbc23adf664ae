"""The class teacher's own duties (002 п.5 Кл.рук. б), г), д); 002 Регламент п.3):

- the class's progress and attendance summary for a period: preliminary in its last two
  weeks, final from its last day (the page says which by the date);
- the monthly check of pupils' and parents' data, with the months overdue;
- who of the parents has acknowledged the period's marks.

The class teacher of the class reads and records; the director and deputies read only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from journal.homeroom import selectors
from journal.homeroom import services as homeroom
from journal.structure.models import ClassGroup, ReportingPeriod
from journal.web.class_teacher.forms import DataCheckForm
from journal.web.pages import CLASS_READERS, TEACHERS, choose, int_param, school_page, submit
from journal.web.selectors import led_classes, period_chosen, periods_for_grade


def _class_and_period(
    request: HttpRequest,
) -> tuple[list[ClassGroup], ClassGroup | None, list[ReportingPeriod], ReportingPeriod | None]:
    classes = led_classes(for_user=request.user)
    group = choose(classes, int_param(request.GET, "class"))  # 404: a class not theirs
    if group is None:
        return classes, None, [], None
    periods = periods_for_grade(group.year_id, group.grade)
    return classes, group, periods, period_chosen(periods, int_param(request.GET, "period"))


def _empty(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "web/class_teacher/no_class.html", {"title": title})


@school_page(roles=CLASS_READERS)
def class_summary(request: HttpRequest) -> HttpResponse:
    """The progress and attendance summary of the class for a period (002 п.5 Кл.рук. г), д))."""
    classes, group, periods, period = _class_and_period(request)
    if group is None or period is None:
        return _empty(request, "Сводка успеваемости и посещаемости")
    summary = selectors.class_summary(
        group=group, period=period, on=timezone.localdate(), for_user=request.user
    )
    return render(
        request,
        "web/class_teacher/summary.html",
        {"classes": classes, "group": group, "periods": periods, "summary": summary},
    )


def _month_choices(months: list[selectors.MonthCheck]) -> list[tuple[str, str]]:
    return [(m.month.isoformat(), m.title) for m in months if m.check is None]


@school_page(roles=CLASS_READERS, write_roles=TEACHERS, methods=("GET", "POST"))
def data_checks(request: HttpRequest) -> HttpResponse:
    """The monthly check of pupils' and parents' data (002 п.5 Кл.рук. б)): the months with
    their checks and the overdue ones; the class teacher records a check."""
    classes = led_classes(for_user=request.user)
    group = choose(classes, int_param(request.GET, "class"))
    if group is None:
        return _empty(request, "Сверка данных обучающихся и родителей")
    today = timezone.localdate()
    months = selectors.data_check_months(group=group, on=today, for_user=request.user)
    can_act = group.pk in selectors.recording_class_ids(for_user=request.user)
    form: DataCheckForm | None = None
    status = 200
    if request.method == "POST":
        form = DataCheckForm(request.POST, months=_month_choices(months))

        def save(v: dict[str, Any]) -> object:
            return homeroom.data_check_record(class_group=group, by=request.user, **v)

        if submit(form, save):
            messages.success(request, "Сверка данных записана.")
            return redirect(f"{reverse('web:class-data-checks')}?class={group.pk}")
        status = 400
    elif can_act:
        due = _month_choices(months)
        form = DataCheckForm(
            months=due, initial={"checked_on": today, "month": due[0][0] if due else None}
        )
    return render(
        request,
        "web/class_teacher/data_checks.html",
        {
            "classes": classes,
            "group": group,
            "months": months,
            "overdue": [m for m in months if m.status == selectors.OVERDUE],
            "form": form,
        },
        status=status,
    )


@school_page(roles=CLASS_READERS)
def acknowledgements(request: HttpRequest) -> HttpResponse:
    """Who of the parents has acknowledged the period's marks (002 Регламент п.3)."""
    classes, group, periods, period = _class_and_period(request)
    if group is None or period is None:
        return _empty(request, "Ознакомление родителей с отметками за период")
    rows = selectors.acknowledgement_list(group=group, period=period, for_user=request.user)
    return render(
        request,
        "web/class_teacher/acknowledgements.html",
        {
            "classes": classes,
            "group": group,
            "periods": periods,
            "period": period,
            "rows": rows,
            "acknowledged": sum(1 for r in rows if r.acknowledged),
        },
    )
