"""The diary (pupil, parent): the week with homework and marks, progress (DIA-1, DIA-2), and
the homework files that staff, pupils and parents read alike (LES-1)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from core.forms import SERVICE_ERRORS, error_text
from core.russian import accusative
from journal.homeroom import selectors as homeroom_selectors
from journal.homeroom import services as homeroom
from journal.messaging import selectors as messaging_selectors
from journal.register import selectors as reg_selectors
from journal.web.diary import selectors
from journal.web.pages import (
    EVERY_SCHOOL_ROLE,
    LEARNERS,
    choose,
    date_param,
    int_param,
    school_page,
)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@school_page(roles=LEARNERS)
def diary(request: HttpRequest) -> HttpResponse:
    children = selectors.diary_children(for_user=request.user)
    if not children:
        return render(request, "web/diary/empty.html")
    child = choose(children, int_param(request.GET, "child"))
    assert child is not None
    week = monday(date_param(request.GET, "week", timezone.localdate()))
    progress = selectors.diary_progress(
        pupil=child, period_id=int_param(request.GET, "period"), for_user=request.user
    )
    return render(
        request,
        "web/diary/diary.html",
        {
            "children": children,
            "child": child,
            "week": week,
            "week_end": week + dt.timedelta(days=6),
            "prev_week": week - dt.timedelta(days=7),
            "next_week": week + dt.timedelta(days=7),
            "today": timezone.localdate(),
            "days": selectors.diary_week(pupil=child, week_start=week),
            "progress": progress,
            "year_marks": selectors.diary_year(pupil=child, for_user=request.user),
            # A parent confirms having read the period's marks (002 Регламент п.3).
            "acknowledgement": homeroom_selectors.diary_acknowledgement(
                pupil=child, period=progress.period, for_user=request.user
            ),
            # School and class announcements in force for this parent or pupil (COM-1, DIA-1).
            "announcements": messaging_selectors.announcements_for(for_user=request.user),
        },
    )


@school_page(roles=LEARNERS)
def timetable(request: HttpRequest) -> HttpResponse:
    """The child's weekly timetable: lesson times from the bells, teacher and room (SET-3)."""
    children = selectors.diary_children(for_user=request.user)
    if not children:
        return render(request, "web/diary/empty.html")
    child = choose(children, int_param(request.GET, "child"))
    assert child is not None
    return render(
        request,
        "web/diary/timetable.html",
        {
            "children": children,
            "child": child,
            "days": selectors.diary_timetable(pupil=child, for_user=request.user),
        },
    )


@school_page(roles={roles.PARENT}, methods=("POST",), deny=404)
def marks_acknowledge(request: HttpRequest) -> HttpResponse:
    """«Ознакомлен(а)»: the parent has read the child's marks for the period (002 Регламент
    п.3); stored once, a repeated click changes nothing."""
    children = selectors.diary_children(for_user=request.user)
    child = choose(children, int_param(request.POST, "child"), first=False)
    if child is None:
        raise Http404
    period = homeroom_selectors.period_for_acknowledgement(
        pupil=child, period_id=int_param(request.POST, "period"), for_user=request.user
    )
    try:
        _record, created = homeroom.marks_acknowledge(pupil=child, period=period, by=request.user)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            f"Вы ознакомились с отметками за {accusative(period.title)}."
            if created
            else f"Ознакомление с отметками за {accusative(period.title)} уже отмечено.",
        )
    return redirect(f"{reverse('diary:index')}?child={child.pk}&period={period.pk}")


@school_page(roles=EVERY_SCHOOL_ROLE, deny=404)
def homework_file(request: HttpRequest, lesson_id: int, attachment_id: int) -> HttpResponse:
    """A homework file, for whoever may read the lesson (404 otherwise), always as a
    download: never rendered by the browser in the school's origin."""
    attachment = reg_selectors.homework_attachment_for_reading(
        lesson_id=lesson_id, attachment_id=attachment_id, for_user=request.user
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # A streaming response: `school_page` is typed for pages, Django serves either.
    return cast(HttpResponse, response)
