"""The teacher's pages (issue #5): the day, the journals, the grid, one lesson with its
homework files and corrections, and the grid's keyboard entry (JSON).

Who may open them is declared on each view; which lessons and journals a user reaches is
decided by the selectors (404 for anything else), who may write by the journal's services.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from catalog.selectors import current_rules
from core.errors import ApplicationError
from core.forms import SERVICE_ERRORS, error_text, form_error_text
from journal.register import selectors as reg_selectors
from journal.register import services as reg_services
from journal.web.pages import STAFF_ROLES, TEACHERS, date_param, int_param, school_page, submit
from journal.web.teacher import selectors
from journal.web.teacher.forms import CorrectionForm, HomeworkFileForm, LessonForm, LessonSaveInput
from journal.web.timetable import selectors as timetable_selectors


def mark_scale() -> str:
    return ",".join(str(v) for v in current_rules().mark_scale)


@school_page(roles=TEACHERS)
def today(request: HttpRequest) -> HttpResponse:
    on_date = date_param(request.GET, "date", timezone.localdate())
    return render(
        request,
        "web/teacher/today.html",
        {
            "on_date": on_date,
            "is_today": on_date == timezone.localdate(),
            "prev_day": on_date - dt.timedelta(days=1),
            "next_day": on_date + dt.timedelta(days=1),
            "lessons": selectors.teacher_day(for_user=request.user, on_date=on_date),
            "assignments": selectors.teacher_assignments(for_user=request.user),
        },
    )


@school_page(roles=TEACHERS)
def timetable(request: HttpRequest) -> HttpResponse:
    """The teacher's own week: the timetable on the week's dates, the substitutions they
    take and the lessons others take for them (SET-3, ROLE-3), by week."""
    today = timezone.localdate()
    chosen = date_param(request.GET, "week", today)
    week = chosen - dt.timedelta(days=chosen.weekday())
    return render(
        request,
        "web/teacher/timetable.html",
        {
            "week": timetable_selectors.teacher_timetable(for_user=request.user, week_start=week),
            "week_end": week + dt.timedelta(days=6),
            "prev_week": week - dt.timedelta(days=7),
            "next_week": week + dt.timedelta(days=7),
            "is_this_week": week <= today <= week + dt.timedelta(days=6),
            "today": today,
        },
    )


@school_page(roles=STAFF_ROLES, deny=404)
def journals(request: HttpRequest) -> HttpResponse:
    """Journals the user may read: the whole school for the director and deputies."""
    items = selectors.readable_assignments(for_user=request.user)
    return render(request, "web/teacher/journals.html", {"assignments": items})


@school_page(roles=STAFF_ROLES, deny=404)
def grid(request: HttpRequest, assignment_id: int) -> HttpResponse:
    page = selectors.grid_page(
        assignment_id=assignment_id,
        period_id=int_param(request.GET, "period"),
        for_user=request.user,
    )
    return render(
        request,
        "web/teacher/grid.html",
        {"g": page, "scale": mark_scale(), "default_work_kind": reg_services.DEFAULT_WORK_KIND},
    )


def lesson_response(
    request: HttpRequest,
    page: selectors.LessonPage,
    *,
    form: LessonForm | None = None,
    upload_form: HomeworkFileForm | None = None,
    status: int = 200,
) -> HttpResponse:
    lsn = page.lesson
    initial = {
        "topic": lsn.topic,
        "kind": lsn.kind,
        "work_topic": lsn.work_topic,
        "homework": lsn.homework,
    }
    return render(
        request,
        "web/teacher/lesson.html",
        {
            "p": page,
            "form": form or LessonForm(initial=initial),
            "correction_form": CorrectionForm(),
            "scale": mark_scale(),
            "default_work_kind": reg_services.DEFAULT_WORK_KIND,
            "upload_form": upload_form or HomeworkFileForm(),
            "homework_files": reg_selectors.homework_files_by_lesson([lsn.pk]).get(lsn.pk, []),
        },
        status=status,
    )


@school_page(roles=STAFF_ROLES, methods=("GET", "POST"), deny=404)
def lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """One lesson; its teacher (or a granted substitute) saves the topic and homework."""
    posted = request.method == "POST"
    page = selectors.lesson_page(lesson_id=lesson_id, for_user=request.user, to_write=posted)
    if not posted:
        return lesson_response(request, page)
    form = LessonForm(request.POST)
    if submit(form, lambda v: reg_services.lesson_update(lesson=page.lesson, by=request.user, **v)):
        messages.success(request, "Урок сохранён.")
        return redirect("web:teacher-lesson", lesson_id=page.lesson.pk)
    return lesson_response(request, page, form=form, status=400)


@school_page(roles=STAFF_ROLES, methods=("POST",), deny=404)
def homework_file_upload(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Attach a file to the lesson's homework; a refusal keeps the page with the reason."""
    page = selectors.lesson_page(lesson_id=lesson_id, for_user=request.user, to_write=True)
    form = HomeworkFileForm(request.POST, request.FILES)
    added = submit(
        form,
        lambda v: reg_services.homework_attachment_add(
            lesson=page.lesson, upload=v["file"], by=request.user
        ),
    )
    if added:
        messages.success(request, "Файл прикреплён к домашнему заданию.")
        return redirect("web:teacher-lesson", lesson_id=page.lesson.pk)
    return lesson_response(request, page, upload_form=form, status=400)


@school_page(roles=STAFF_ROLES, methods=("POST",), deny=404)
def homework_file_remove(request: HttpRequest, lesson_id: int, attachment_id: int) -> HttpResponse:
    attachment = reg_selectors.homework_attachment_for_removal(
        lesson_id=lesson_id, attachment_id=attachment_id, for_user=request.user
    )
    try:
        reg_services.homework_attachment_remove(attachment=attachment, by=request.user)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Файл «{attachment.original_name}» удалён.")
    return redirect("web:teacher-lesson", lesson_id=lesson_id)


def json_errors(exc: Exception) -> JsonResponse:
    """A service's refusal as the grid expects it: `detail` and per-field `errors`."""
    if isinstance(exc, ApplicationError):
        return JsonResponse(
            {"detail": exc.message, "errors": exc.field_errors}, status=exc.status_code
        )
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}  # type: ignore[attr-defined]
    first = next(iter(errors.values()), ["Проверьте введённые данные."])
    return JsonResponse({"detail": " ".join(first), "errors": errors}, status=400)


@school_page(roles=STAFF_ROLES, methods=("POST",), deny=404)
def lesson_save(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The grid's keyboard entry for one lesson: a column of marks and its attendance, all or
    nothing (`lesson_entries_save`). Answers JSON with the new averages."""
    lesson_obj = reg_selectors.lesson_for_writing(lesson_id=lesson_id, for_user=request.user)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "Неверный формат запроса.", "errors": {}}, status=400)
    data = LessonSaveInput(data=payload)
    if not data.is_valid():
        return JsonResponse(
            {"detail": "Проверьте введённые данные.", "errors": data.errors}, status=400
        )
    v = data.validated_data
    try:
        saved = reg_services.lesson_entries_save(
            lesson=lesson_obj,
            marks=[
                reg_services.MarkInput(m["pupil_id"], m["value"], v["work_kind"])
                for m in v["marks"]
            ],
            attendance=[
                reg_services.AttendanceInput(a["pupil_id"], a["code"] or None)
                for a in v["attendance"]
            ],
            by=request.user,
        )
    except SERVICE_ERRORS as exc:
        return json_errors(exc)
    averages = selectors.lesson_averages(
        lesson=lesson_obj, period_id=v.get("period_id"), for_user=request.user
    )
    return JsonResponse(
        {
            "detail": "Сохранено.",
            "marks": [{"id": m.pk, "pupil_id": m.pupil_id, "value": m.value} for m in saved],
            "averages": averages,
        }
    )


@school_page(roles=STAFF_ROLES, methods=("POST",), deny=404)
def mark_correct(request: HttpRequest, mark_id: int) -> HttpResponse:
    """An audited correction (MRK-2) from the lesson page: the template's roles and window."""
    mark = reg_selectors.mark_for_correction(mark_id=mark_id, for_user=request.user)
    form = CorrectionForm(request.POST)
    corrected = submit(
        form,
        lambda v: reg_services.mark_correct(
            mark=mark, new_value=v["new_value"], reason=v["reason"], by=request.user
        ),
    )
    if corrected:
        messages.success(request, "Отметка исправлена, исправление записано в историю.")
    else:
        messages.error(request, form_error_text(form))
    return redirect("web:teacher-lesson", lesson_id=mark.lesson_id)
