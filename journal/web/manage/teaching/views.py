"""Administration: нагрузка of the current year and the weekly timetable (SET-3).

The structure managers read both and fix нагрузка; the journal administrator adds timetable
slots (the service refuses a double-booked teacher, class or room in Russian).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from journal.structure import services as structure
from journal.structure.selectors import academic_year_current
from journal.structure.services import WEEKDAYS
from journal.web.manage.selectors import current_classes
from journal.web.manage.teaching import selectors
from journal.web.manage.teaching.forms import AssignmentCreateForm, TimetableEntryForm
from journal.web.pages import (
    STRUCTURE_MANAGERS,
    TIMETABLE_EDITORS,
    choose,
    int_param,
    may_write,
    school_page,
    submit,
)


@school_page(roles=STRUCTURE_MANAGERS, methods=("GET", "POST"))
def assignments(request: HttpRequest) -> HttpResponse:
    """Нагрузка of the current year: teacher × subject × class (subgroup) × hours."""
    year = academic_year_current()
    posted = request.method == "POST"
    form = AssignmentCreateForm(
        request.POST if posted else None, classes=current_classes(for_user=request.user)
    )
    status = 200
    if posted:
        assignment = submit(
            form, lambda v: structure.teaching_assignment_create(by=request.user, **v)
        )
        if assignment:
            messages.success(request, f"Нагрузка закреплена: {assignment}, {assignment.teacher}.")
            return redirect("web:manage-assignments")
        status = 400
    return render(
        request,
        "web/manage/teaching/assignments.html",
        {"year": year, "rows": selectors.year_assignments(year=year), "form": form},
        status=status,
    )


@school_page(roles=STRUCTURE_MANAGERS, write_roles=TIMETABLE_EDITORS, methods=("GET", "POST"))
def timetable(request: HttpRequest) -> HttpResponse:
    """The weekly timetable by class or by teacher. The director and deputies read it; the
    journal administrator adds slots (clashes are refused in Russian by the service)."""
    year = academic_year_current()
    form: TimetableEntryForm | None = None
    status = 200
    if request.method == "POST":
        form = TimetableEntryForm(request.POST, assignments=selectors.year_assignments(year=year))
        entry = submit(form, lambda v: structure.timetable_entry_create(by=request.user, **v))
        if entry:
            messages.success(
                request,
                f"В расписание добавлено: {WEEKDAYS[entry.weekday]}, урок №{entry.slot}, "
                f"{entry.assignment}.",
            )
            return redirect(f"{reverse('web:manage-timetable')}?class={entry.class_group_id}")
        status = 400
    elif may_write(request):
        form = TimetableEntryForm(assignments=selectors.year_assignments(year=year))
    classes = list(current_classes(for_user=request.user))
    teachers = selectors.year_teachers(year=year)
    teacher_id = int_param(request.GET, "teacher")
    teacher = choose(teachers, teacher_id, first=False)
    group = None if teacher_id is not None else choose(classes, int_param(request.GET, "class"))
    grid = (
        selectors.timetable_grid(year=year, group=group, teacher=teacher, for_user=request.user)
        if year is not None and (group or teacher)
        else selectors.TimetableGrid()
    )
    return render(
        request,
        "web/manage/teaching/timetable.html",
        {
            "year": year,
            "classes": classes,
            "teachers": teachers,
            "group": group,
            "teacher": teacher,
            "days": grid.days,
            "grid": grid.rows,
            "form": form,
        },
        status=status,
    )
