"""The schedule of control, laboratory and practical works (YEAR-2; 004 §6.3, §6.8): the
deputy agrees the schedule per class and subject (`control_work_schedule`) and sees it
checked against the lessons held as such (`control_work_check`); teachers read their own
journals' schedule, class teachers their class's.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from journal.attestation import services as attestation
from journal.structure.models import TeachingAssignment
from journal.structure.selectors import exists_here_or_404
from journal.web.control_works import selectors
from journal.web.control_works.forms import ControlWorkForm
from journal.web.fields import set_queryset
from journal.web.manage.selectors import year_chosen
from journal.web.pages import TEACHERS, WHOLE_SCHOOL, int_param, may_write, school_page, submit


@school_page(roles=TEACHERS | WHOLE_SCHOOL, write_roles=WHOLE_SCHOOL, methods=("GET", "POST"))
def control_works(request: HttpRequest) -> HttpResponse:
    year = year_chosen(year_id=None, for_user=request.user, required=True)
    class_group_id = int_param(request.GET, "class")
    form: ControlWorkForm | None = None
    status = 200
    if request.method == "POST":
        # A journal of another school is 404 (TEN-3), not a form error.
        exists_here_or_404(TeachingAssignment, int_param(request.POST, "assignment"))
        form = ControlWorkForm(request.POST)
    elif may_write(request):
        form = ControlWorkForm()
    if form is not None:
        set_queryset(
            form, "assignment", selectors.journal_choices(for_user=request.user, year=year)
        )
    if request.method == "POST":
        assert form is not None
        work = submit(form, lambda v: attestation.control_work_schedule(by=request.user, **v))
        if work:
            messages.success(
                request,
                f"В график внесено: {work.get_kind_display()} {work.planned_on:%d.%m.%Y}, "
                f"{work.assignment.class_group.title} {work.assignment.subject.title}.",
            )
            suffix = f"?class={class_group_id}" if class_group_id else ""
            return redirect(f"{reverse('web:control-works')}{suffix}")
        status = 400
    return render(
        request,
        "web/control_works/control_works.html",
        {
            "year": year,
            "classes": selectors.classes(for_user=request.user, year=year),
            "class_group_id": class_group_id,
            "journals": selectors.schedule(
                for_user=request.user, year=year, class_group_id=class_group_id
            ),
            "form": form,
            "status_labels": selectors.STATUS_LABELS,
        },
        status=status,
    )
