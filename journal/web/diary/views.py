"""The diary (pupil, parent): the week with homework and marks, progress (DIA-1, DIA-2), and
the homework files that staff, pupils and parents read alike (LES-1)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

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
            # School and class announcements in force for this parent or pupil (COM-1, DIA-1).
            "announcements": messaging_selectors.announcements_for(for_user=request.user),
        },
    )


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
