"""The remarks workflow (CTL-1; 002 п.5 Учитель е), 004 §8.6, 003 §6.4): the deputy writes
a remark on a journal (optionally one lesson) from the control page, the teacher of the
journal sees it with the mend-by date and marks it mended saying what was done, the deputy
sees what is open, overdue and mended (in time or late) per teacher.

Who reads which remark is decided by `journal.control.selectors`, who may write and mend by
its services; a remark on someone else's journal is 404 to a teacher.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from journal.control import selectors as control
from journal.control import services
from journal.control.models import Remark
from journal.structure.models import TeachingAssignment
from journal.structure.selectors import exists_here_or_404
from journal.web.fields import set_queryset
from journal.web.manage.selectors import year_chosen
from journal.web.pages import TEACHERS, WHOLE_SCHOOL, int_param, school_page, submit
from journal.web.remarks import selectors
from journal.web.remarks.forms import MendForm, RemarkForm

REMARK_READERS = TEACHERS | WHOLE_SCHOOL
STATUSES = [("", "Все"), *Remark.Status.choices]


def remarks_response(
    request: HttpRequest, *, failed: tuple[int, MendForm] | None = None, status: int = 200
) -> HttpResponse:
    year = year_chosen(year_id=int_param(request.GET, "year"), for_user=request.user, required=True)
    wanted = request.GET.get("status", "")
    chosen = wanted if wanted in Remark.Status.values else ""
    school = selectors.school_remarks(
        for_user=request.user, year=year, status=chosen, page_number=request.GET.get("page")
    )
    own = selectors.own_remarks(for_user=request.user, year=year)
    forms = {row.remark.pk: MendForm(prefix=f"r{row.remark.pk}") for row in own if row.is_open}
    alert: list[str] = []
    if failed is not None:
        if failed[0] in forms:
            forms[failed[0]] = failed[1]
        else:  # mended meanwhile: no form left to show the refusal on
            alert = [str(e) for errors in failed[1].errors.values() for e in errors][:1]
    return render(
        request,
        "web/remarks/remarks.html",
        {
            "year": year,
            "school": school,
            "own": [(row, forms.get(row.remark.pk)) for row in own],
            "statuses": STATUSES,
            "status": chosen,
            "alert": alert,
        },
        status=status,
    )


@school_page(roles=REMARK_READERS)
def remarks(request: HttpRequest) -> HttpResponse:
    """The teacher's remarks to mend; the school's remarks and their summary for the deputy."""
    return remarks_response(request)


@school_page(roles=WHOLE_SCHOOL, methods=("GET", "POST"), deny=404)
def remark_create(request: HttpRequest) -> HttpResponse:
    """The deputy writes a remark on a journal, or on one lesson of it (from the control
    page's links: `?lesson=` or `?assignment=`, with the problems as the draft text)."""
    year = year_chosen(year_id=None, for_user=request.user, required=True)
    source = request.POST if request.method == "POST" else request.GET
    # A journal or lesson of another school is 404 (TEN-3), not a form error.
    exists_here_or_404(TeachingAssignment, int_param(source, "assignment"))
    lesson_id = int_param(source, "lesson")
    lesson = (
        selectors.lesson_of_remark(lesson_id=lesson_id, for_user=request.user)
        if lesson_id
        else None
    )
    if request.method == "POST":
        form = RemarkForm(request.POST)
    else:
        form = RemarkForm(
            initial={
                "assignment": lesson.assignment_id if lesson else int_param(source, "assignment"),
                "lesson": lesson.pk if lesson else None,
                "text": source.get("text", ""),
            }
        )
    set_queryset(form, "assignment", selectors.journal_choices(for_user=request.user, year=year))
    if request.method == "POST":
        remark = submit(
            form,
            lambda v: services.remark_create(
                assignment=v["assignment"], lesson=lesson, text=v["text"], by=request.user
            ),
        )
        if remark:
            messages.success(
                request,
                f"Замечание записано: {remark.assignment.class_group.title} "
                f"{remark.assignment.subject.title}, устранить до {remark.due_on:%d.%m.%Y}.",
            )
            return redirect(f"{reverse('web:remarks')}?{urlencode({'status': 'open'})}")
    return render(
        request,
        "web/remarks/create.html",
        {"form": form, "lesson": lesson},
        status=400 if request.method == "POST" else 200,
    )


@school_page(roles=TEACHERS, methods=("POST",), deny=404)
def remark_mend(request: HttpRequest, remark_id: int) -> HttpResponse:
    """The teacher of the journal marks a remark mended with a note (late is shown late)."""
    remark = control.remark_for_mending(remark_id=remark_id, for_user=request.user)
    form = MendForm(request.POST, prefix=f"r{remark.pk}")
    if submit(form, lambda v: services.remark_mend(remark=remark, note=v["note"], by=request.user)):
        messages.success(request, "Замечание отмечено устранённым.")
        return redirect("web:remarks")
    return remarks_response(request, failed=(remark.pk, form), status=400)
