"""The school's pages (issue #5): thin views over the journal's selectors and services."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import roles
from catalog.selectors import current_rules
from core.errors import ApplicationError, PermissionDeniedError
from core.views import school_home
from journal.access import scope_for, scope_memo
from journal.planning import services as planning
from journal.register import grading
from journal.register import selectors as reg_selectors
from journal.register import services as reg_services
from journal.web import selectors
from journal.web.forms import (
    AttendanceReasonForm,
    CorrectionForm,
    HomeworkFileForm,
    LessonForm,
    LessonSaveInput,
    PlanImportForm,
    apply_service_errors,
)


def school_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in users only; one access-scope query per request (the journal's memo)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        with scope_memo():
            try:
                return view(request, *args, **kwargs)
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc

    return wrapper


def _require(request: HttpRequest, *role_names: str) -> None:
    if not scope_for(request.user).has(*role_names):
        raise PermissionDenied


def _date_param(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    raw = request.GET.get(name, "")
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


# ---------------------------------------------------------------- start


def start(request: HttpRequest) -> HttpResponse:
    """The school's home: anonymous visitors see the school; users go to their main page."""
    if request.user.is_authenticated:
        target = selectors.start_url_name(request.user)
        if target:
            return redirect(target)
    return school_home(request)


# ---------------------------------------------------------------- teacher


@school_page
def today(request: HttpRequest) -> HttpResponse:
    _require(request, roles.TEACHER)
    on_date = _date_param(request, "date", timezone.localdate())
    lessons = selectors.teacher_day(for_user=request.user, on_date=on_date)
    return render(
        request,
        "web/today.html",
        {
            "on_date": on_date,
            "is_today": on_date == timezone.localdate(),
            "prev_day": on_date - dt.timedelta(days=1),
            "next_day": on_date + dt.timedelta(days=1),
            "lessons": lessons,
            "assignments": selectors.teacher_assignments(for_user=request.user),
        },
    )


@school_page
def journals(request: HttpRequest) -> HttpResponse:
    """Journals the user may read: the whole school for the director and deputies."""
    items = selectors.readable_assignments(for_user=request.user)
    if not scope_for(request.user).is_staff:
        raise Http404
    return render(request, "web/journals.html", {"assignments": items})


@school_page
def grid(request: HttpRequest, assignment_id: int) -> HttpResponse:
    page = selectors.grid_page(
        assignment_id=assignment_id, period_id=_int_param(request, "period"), for_user=request.user
    )
    return render(
        request,
        "web/grid.html",
        {"g": page, "scale": ",".join(str(v) for v in current_rules().mark_scale)},
    )


@school_page
def lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    page = selectors.lesson_page(lesson_id=lesson_id, for_user=request.user)
    return _lesson_response(request, page)


def _lesson_response(
    request: HttpRequest,
    page: selectors.LessonPage,
    *,
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
    posted = request.method == "POST" and upload_form is None
    form = LessonForm(request.POST if posted else None, initial=initial)
    if posted:
        if not page.may_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                reg_services.lesson_update(lesson=lsn, by=request.user, **form.cleaned_data)
            except (ValidationError, ApplicationError) as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Урок сохранён.")
                return redirect("web:lesson", lesson_id=lsn.pk)
        status = 400
    return render(
        request,
        "web/lesson.html",
        {
            "p": page,
            "form": form,
            "correction_form": CorrectionForm(),
            "scale": ",".join(str(v) for v in current_rules().mark_scale),
            "upload_form": upload_form or HomeworkFileForm(),
            "homework_files": reg_selectors.homework_files_by_lesson([lsn.pk]).get(lsn.pk, []),
        },
        status=status,
    )


@require_POST
@school_page
def homework_file_upload(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Attach a file to the lesson's homework; a refusal keeps the page with the reason."""
    page = selectors.lesson_page(lesson_id=lesson_id, for_user=request.user)
    if not page.may_write:
        raise PermissionDenied
    form = HomeworkFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reg_services.homework_attachment_add(
                lesson=page.lesson, upload=form.cleaned_data["file"], by=request.user
            )
        except (ValidationError, ApplicationError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Файл прикреплён к домашнему заданию.")
            return redirect("web:lesson", lesson_id=page.lesson.pk)
    return _lesson_response(request, page, upload_form=form, status=400)


@require_POST
@school_page
def homework_file_remove(request: HttpRequest, lesson_id: int, attachment_id: int) -> HttpResponse:
    attachment = reg_selectors.homework_attachment_for_removal(
        lesson_id=lesson_id, attachment_id=attachment_id, for_user=request.user
    )
    try:
        reg_services.homework_attachment_remove(attachment=attachment, by=request.user)
    except (ValidationError, ApplicationError) as exc:
        messages.error(
            request, exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)
        )
    else:
        messages.success(request, f"Файл «{attachment.original_name}» удалён.")
    return redirect("web:lesson", lesson_id=lesson_id)


@school_page
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


def _json_errors(exc: ValidationError | ApplicationError, status: int = 400) -> JsonResponse:
    if isinstance(exc, ApplicationError):
        return JsonResponse(
            {"detail": exc.message, "errors": exc.field_errors}, status=exc.status_code
        )
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    first = next(iter(errors.values()), ["Проверьте введённые данные."])
    return JsonResponse({"detail": " ".join(first), "errors": errors}, status=status)


@require_POST
@school_page
def lesson_save(request: HttpRequest, lesson_id: int) -> JsonResponse:
    """The grid's keyboard entry for one lesson: a column of marks and its attendance, all or
    nothing, through the journal's bulk services. Answers JSON with the new averages."""
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
        with transaction.atomic():
            saved = []
            if v["marks"]:
                saved = reg_services.marks_save(
                    lesson=lesson_obj,
                    marks=[
                        reg_services.MarkInput(m["pupil_id"], m["value"], v["work_kind"])
                        for m in v["marks"]
                    ],
                    by=request.user,
                )
            if v["attendance"]:
                reg_services.attendance_save(
                    lesson=lesson_obj,
                    entries=[
                        reg_services.AttendanceInput(a["pupil_id"], a["code"] or None)
                        for a in v["attendance"]
                    ],
                    by=request.user,
                )
    except (ValidationError, ApplicationError) as exc:
        return _json_errors(exc)
    averages: dict[str, Any] = {}
    if v.get("period_id"):
        try:
            result = reg_selectors.journal_grid(
                assignment_id=lesson_obj.assignment_id,
                period_id=v["period_id"],
                for_user=request.user,
            )
        except Http404:
            result = None
        if result is not None:
            scale = current_rules().mark_scale
            averages = {
                str(pid): {
                    "average": f"{avg:.2f}".replace(".", ",") if avg is not None else "",
                    "forecast": grading.forecast(avg, scale) or "",
                }
                for pid, avg in result.averages.items()
            }
    return JsonResponse(
        {
            "detail": "Сохранено.",
            "marks": [{"id": m.pk, "pupil_id": m.pupil_id, "value": m.value} for m in saved],
            "averages": averages,
        }
    )


@require_POST
@school_page
def mark_correct(request: HttpRequest, mark_id: int) -> HttpResponse:
    """An audited correction (MRK-2) from the lesson page: the template's roles and window."""
    mark = reg_selectors.mark_for_correction(mark_id=mark_id, for_user=request.user)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            reg_services.mark_correct(
                mark=mark,
                new_value=form.cleaned_data["new_value"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except (ValidationError, ApplicationError) as exc:
            apply_service_errors(form, exc)
    if form.errors:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors))
    else:
        messages.success(request, "Отметка исправлена, исправление записано в историю.")
    return redirect("web:lesson", lesson_id=mark.lesson_id)


# ---------------------------------------------------------------- diary


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@school_page
def diary(request: HttpRequest) -> HttpResponse:
    children = selectors.diary_children(for_user=request.user)
    if not children:
        if scope_for(request.user).has(roles.PUPIL, roles.PARENT):
            return render(request, "web/diary_empty.html")
        raise PermissionDenied
    child_id = _int_param(request, "child")
    child = next((c for c in children if c.pk == child_id), None) if child_id else children[0]
    if child is None:
        raise Http404
    week = _monday(_date_param(request, "week", timezone.localdate()))
    days = selectors.diary_week(pupil=child, week_start=week)
    # Homework files next to the homework: one query for the week's lessons (the diary
    # shows lessons that teach this child, which is the files' read rule too).
    prefetch_related_objects([x.lesson for d in days for x in d.lessons], "homework_files")
    progress = selectors.diary_progress(
        pupil=child, period_id=_int_param(request, "period"), for_user=request.user
    )
    return render(
        request,
        "web/diary.html",
        {
            "children": children,
            "child": child,
            "week": week,
            "week_end": week + dt.timedelta(days=6),
            "prev_week": week - dt.timedelta(days=7),
            "next_week": week + dt.timedelta(days=7),
            "today": timezone.localdate(),
            "days": days,
            "progress": progress,
        },
    )


# ---------------------------------------------------------------- control (REP-2)


@school_page
def control(request: HttpRequest) -> HttpResponse:
    today_ = timezone.localdate()
    date_from = _date_param(request, "from", today_.replace(day=1))
    date_to = _date_param(request, "to", today_)
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    rows = selectors.journal_control(for_user=request.user, date_from=date_from, date_to=date_to)
    return render(
        request,
        "web/control.html",
        {"rows": rows, "date_from": date_from, "date_to": date_to},
    )


# ---------------------------------------------------------------- class teacher


@school_page
def class_day(request: HttpRequest) -> HttpResponse:
    classes = selectors.led_classes(for_user=request.user)
    if not classes:
        if scope_for(request.user).has(roles.TEACHER):
            return render(request, "web/class_day.html", {"classes": [], "rows": []})
        raise PermissionDenied
    class_id = _int_param(request, "class")
    group = next((c for c in classes if c.pk == class_id), None) if class_id else classes[0]
    if group is None:
        raise Http404
    on_date = _date_param(request, "date", timezone.localdate())
    rows = reg_selectors.attendance_daily(
        class_group_id=group.pk, on_date=on_date, for_user=request.user
    )
    return render(
        request,
        "web/class_day.html",
        {
            "classes": classes,
            "group": group,
            "on_date": on_date,
            "prev_day": on_date - dt.timedelta(days=1),
            "next_day": on_date + dt.timedelta(days=1),
            "rows": rows,
            "reason_form": AttendanceReasonForm(),
        },
    )


@require_POST
@school_page
def attendance_reason(request: HttpRequest, attendance_id: int) -> HttpResponse:
    att = reg_selectors.attendance_for_reason(attendance_id=attendance_id, for_user=request.user)
    form = AttendanceReasonForm(request.POST)
    if form.is_valid():
        try:
            reg_services.attendance_reason_set(
                attendance=att,
                code=form.cleaned_data["code"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except (ValidationError, ApplicationError) as exc:
            apply_service_errors(form, exc)
    if form.errors:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        messages.success(request, "Причина пропуска сохранена.")
    back = request.POST.get("back", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("web:class_day")
    return redirect(back)


# ---------------------------------------------------------------- administration: КТП import

ROW_RE = re.compile(r"^Строка (\d+): (.*)$")
PREVIEW_KEY = "web:plan_import"


def _preview_rows(content: bytes, filename: str) -> list[list[str]]:
    """The file's rows as text, for the preview table only (the journal's parser decides)."""
    import csv
    import io

    if filename.lower().endswith(".xlsx"):
        try:
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            rows = [list(r) for r in sheet.iter_rows(values_only=True)] if sheet else []
        except Exception:
            return []
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1251", errors="replace")
        first = text.splitlines()[0] if text else ""
        rows = [
            list(r) for r in csv.reader(io.StringIO(text), delimiter=";" if ";" in first else ",")
        ]
    out = []
    for raw in rows[:500]:
        cells = [
            (c.strftime("%d.%m.%Y") if isinstance(c, dt.date | dt.datetime) else str(c or ""))
            for c in (list(raw) + [None] * 4)[:4]
        ]
        out.append(cells)
    return out


class _DryRun(Exception):
    pass


def _check_plan(assignment: Any, content: bytes, filename: str, by: Any) -> tuple[int, list[str]]:
    """Run the journal's parser and import inside a transaction that is always rolled back:
    every rule is checked (rows, hours against the curriculum, rights) and nothing is saved.
    Returns (number of topics, errors)."""
    try:
        with transaction.atomic():
            rows = planning.parse_plan_file(content=content, filename=filename)
            planning.thematic_plan_import(assignment=assignment, rows=rows, by=by)
            raise _DryRun
    except _DryRun:
        return len(rows), []
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"file": exc.messages}
        return 0, [m for msgs in errors.values() for m in msgs]
    except ApplicationError as exc:
        return 0, [exc.message]


@school_page
def plan_import(request: HttpRequest) -> HttpResponse:
    """КТП from XLSX/CSV (PLAN-2): upload → preview with per-row errors → save. Nothing is
    saved until the file passes every check and the user confirms."""
    _require(request, roles.DIRECTOR, roles.DEPUTY, roles.JOURNAL_ADMIN)
    assignments = selectors.plan_import_assignments(for_user=request.user)
    by_id = {a.pk: a for a in assignments}
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST" and request.POST.get("step") == "save":
        stored = request.session.get(PREVIEW_KEY)
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, "Загрузите файл ещё раз: проверка устарела.")
            return redirect("web:plan_import")
        assignment = by_id.get(stored["assignment"])
        if assignment is None:
            raise Http404
        content = base64.b64decode(stored["content"])
        try:
            rows = planning.parse_plan_file(content=content, filename=stored["filename"])
            planning.thematic_plan_import(assignment=assignment, rows=rows, by=request.user)
        except (ValidationError, ApplicationError) as exc:
            messages.error(
                request,
                exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages),
            )
            return redirect("web:plan_import")
        del request.session[PREVIEW_KEY]
        messages.success(
            request, f"КТП загружено: {len(rows)} тем, {sum(r.hours for r in rows)} ч."
        )
        return redirect("web:plan_import")
    form = PlanImportForm(request.POST or None, request.FILES or None, assignments=assignments)
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["assignment"] not in by_id:
            form.add_error("assignment", "Выберите нагрузку из списка.")
        if form.is_valid():
            assignment = by_id[form.cleaned_data["assignment"]]
            upload = form.cleaned_data["file"]
            content = upload.read()
            filename = upload.name or ""
            topics, errors = _check_plan(assignment, content, filename, request.user)
            row_errors: dict[int, list[str]] = {}
            file_errors = []
            for message in errors:
                match = ROW_RE.match(message)
                if match:
                    row_errors.setdefault(int(match.group(1)), []).append(match.group(2))
                else:
                    file_errors.append(message)
            preview = [
                {"line": n, "cells": cells, "errors": row_errors.get(n, [])}
                for n, cells in enumerate(_preview_rows(content, filename), start=1)
                if any(cells)
            ]
            token = base64.urlsafe_b64encode(timezone.now().isoformat().encode()).decode()
            if not errors:
                request.session[PREVIEW_KEY] = {
                    "token": token,
                    "assignment": assignment.pk,
                    "filename": filename,
                    "content": base64.b64encode(content).decode(),
                }
            else:
                request.session.pop(PREVIEW_KEY, None)
                status = 400
            context.update(
                preview=preview,
                errors=errors,
                file_errors=file_errors,
                row_errors=row_errors,
                topics=topics,
                token=token,
                assignment=assignment,
                filename=filename,
            )
        else:
            status = 400
    context.update(form=form, has_assignments=bool(assignments))
    return render(request, "web/plan_import.html", context, status=status)
