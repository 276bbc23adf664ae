"""School administration pages (issue #5): classes, staff, pupils and parents, teaching
assignments, timetable, academic years and subgroups.

Thin views over the journal's selectors and services, which enforce who may write
(`STRUCTURE_MANAGERS` for structure, `ROSTER_MANAGERS` for people) and every rule; their
Russian errors go back on the form's fields with a 400 that keeps what was typed.
Who may open a page: the roster managers (director, deputies, journal administrator,
secretary) for classes, staff, pupils, parents and years; the structure managers for the
teaching assignments, timetable and subgroups. Everybody else gets 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from core.errors import ApplicationError
from journal.access import ROSTER_MANAGERS, STRUCTURE_MANAGERS, Scope, scope_for
from journal.audit.services import access_log
from journal.roster import selectors as roster_selectors
from journal.roster import services as roster
from journal.roster.models import Guardian, GuardianLink, Pupil
from journal.structure import selectors as structure_selectors
from journal.structure import services as structure
from journal.structure.models import (
    AcademicYear,
    ClassGroup,
    StaffMember,
    Subgroup,
    Subject,
    TeachingAssignment,
)
from journal.structure.services import WEEKDAYS
from journal.web.forms import apply_service_errors
from journal.web.manage_forms import (
    AcademicYearForm,
    AssignmentCreateForm,
    ClassCreateForm,
    ClassTeacherForm,
    GuardianCreateForm,
    GuardianLinkForm,
    PupilEnrolForm,
    StaffCreateForm,
    SubgroupCreateForm,
    TimetableEntryForm,
    staff_queryset,
)
from journal.web.views import _int_param, school_page

SERVICE_ERRORS = (ValidationError, ApplicationError)


def _gate(request: HttpRequest, allowed: frozenset[str]) -> Scope:
    """The page's role gate: 403 for anyone without one of the roles."""
    scope = scope_for(request.user)
    if not scope.roles & allowed:
        raise PermissionDenied
    return scope


def _may_write(scope: Scope, allowed: frozenset[str]) -> bool:
    return bool(scope.roles & allowed)


def _current_year() -> AcademicYear | None:
    return (
        AcademicYear.objects.filter(is_current=True).first()
        or AcademicYear.objects.order_by("-starts_on").first()
    )


def _year_param(request: HttpRequest) -> AcademicYear | None:
    year_id = _int_param(request, "year")
    if year_id is None:
        return _current_year()
    year = AcademicYear.objects.filter(pk=year_id).first()
    if year is None:
        raise Http404
    return year


# ---------------------------------------------------------------- classes


def _classes_page(
    request: HttpRequest, scope: Scope, form: ClassCreateForm | None, status: int = 200
) -> HttpResponse:
    year = _year_param(request)
    classes = (
        structure_selectors.class_list(for_user=request.user, year_id=year.pk if year else None)
        .select_related("class_teacher__user")
        .annotate(pupil_count=Count("pupils"))
        if year
        else ClassGroup.objects.none()
    )
    can_write = _may_write(scope, STRUCTURE_MANAGERS)
    if can_write and form is None:
        form = ClassCreateForm(initial={"year": year.pk if year else None})
    return render(
        request,
        "web/manage/classes.html",
        {
            "year": year,
            "years": AcademicYear.objects.order_by("-starts_on"),
            "classes": classes,
            "form": form if can_write else None,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@school_page
def classes(request: HttpRequest) -> HttpResponse:
    """Classes of a school year with their class teachers; the structure managers add one."""
    scope = _gate(request, ROSTER_MANAGERS)
    if request.method != "POST":
        return _classes_page(request, scope, None)
    if not _may_write(scope, STRUCTURE_MANAGERS):
        raise PermissionDenied
    form = ClassCreateForm(request.POST)
    if form.is_valid():
        v = form.cleaned_data
        try:
            group = structure.class_group_create(
                year=v["year"],
                grade=v["grade"],
                letter=v["letter"],
                class_teacher=v["class_teacher"],
                by=request.user,
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Класс {group} создан.")
            return redirect(f"{reverse('web:manage_classes')}?year={group.year_id}")
    return _classes_page(request, scope, form, status=400)


@require_http_methods(["GET", "POST"])
@school_page
def class_teacher(request: HttpRequest, class_group_id: int) -> HttpResponse:
    """Change the class teacher (the class's object right moves with the role)."""
    _gate(request, STRUCTURE_MANAGERS)
    group = structure_selectors.class_group_get(
        class_group_id=class_group_id, for_user=request.user
    )
    form = ClassTeacherForm(
        request.POST if request.method == "POST" else None,
        initial={"class_teacher": group.class_teacher_id},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                structure.class_teacher_set(
                    class_group=group, teacher=form.cleaned_data["class_teacher"], by=request.user
                )
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                teacher = form.cleaned_data["class_teacher"]
                messages.success(
                    request,
                    f"Классный руководитель {group}: {teacher}."
                    if teacher
                    else f"У класса {group} больше нет классного руководителя.",
                )
                return redirect(f"{reverse('web:manage_classes')}?year={group.year_id}")
        status = 400
    return render(
        request, "web/manage/class_teacher.html", {"group": group, "form": form}, status=status
    )


# ---------------------------------------------------------------- staff


@require_http_methods(["GET", "POST"])
@school_page
def staff(request: HttpRequest) -> HttpResponse:
    """Staff with their roles; the roster managers add a member (account without password)."""
    scope = _gate(request, ROSTER_MANAGERS)
    form = StaffCreateForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            v = dict(form.cleaned_data)
            try:
                member = structure.staff_member_create(
                    role_names=v.pop("roles"), by=request.user, **v
                )
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Сотрудник {member} добавлен.")
                return redirect("web:manage_staff")
        status = 400
    return _staff_page(request, scope, form, status=status)


def _staff_page(
    request: HttpRequest,
    scope: Scope,
    form: StaffCreateForm,
    *,
    status: int = 200,
    action_errors: list[str] | None = None,
) -> HttpResponse:
    members = (
        StaffMember.objects.select_related("user")
        .prefetch_related("user__groups")
        .order_by("-is_active", "user__last_name", "user__first_name", "id")
    )
    rows = [
        {
            "member": m,
            "roles": [
                roles.SCHOOL_ROLES.get(g.name, g.name)
                for g in sorted(m.user.groups.all(), key=lambda g: g.name)
            ],
        }
        for m in members
    ]
    return render(
        request,
        "web/manage/staff.html",
        {
            "rows": rows,
            "form": form,
            "can_write": _may_write(scope, ROSTER_MANAGERS),
            "action_errors": action_errors or [],
            "me": request.user.pk,
        },
        status=status,
    )


def _staff_switch(request: HttpRequest, staff_id: int, *, active: bool) -> HttpResponse:
    scope = _gate(request, ROSTER_MANAGERS)
    member = StaffMember.objects.select_related("user").filter(pk=staff_id).first()
    if member is None:
        raise Http404
    service = structure.staff_member_reactivate if active else structure.staff_member_deactivate
    try:
        service(staff_member=member, by=request.user)
    except SERVICE_ERRORS as exc:
        problems = (
            [m for ms in exc.message_dict.values() for m in ms]
            if isinstance(exc, ValidationError)
            else [exc.message]
        )
        return _staff_page(request, scope, StaffCreateForm(), status=400, action_errors=problems)
    if active:
        messages.success(request, f"Сотрудник {member} снова работает: вход открыт.")
    else:
        messages.success(
            request, f"Сотрудник {member} отключён: вход закрыт, записи и история сохранены."
        )
    return redirect("web:manage_staff")


@require_POST
@school_page
def staff_deactivate(request: HttpRequest, staff_id: int) -> HttpResponse:
    """The member of staff no longer works here: the account is closed, history kept (SET-3)."""
    return _staff_switch(request, staff_id, active=False)


@require_POST
@school_page
def staff_reactivate(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Return a member of staff to work (SET-3)."""
    return _staff_switch(request, staff_id, active=True)


# ---------------------------------------------------------------- pupils and parents


def _school_classes(request: HttpRequest) -> Any:
    year = _current_year()
    qs = structure_selectors.class_list(for_user=request.user)
    return qs.filter(year=year) if year else qs.none()


@require_http_methods(["GET", "POST"])
@school_page
def pupils(request: HttpRequest) -> HttpResponse:
    """Pupils of a class with their parents; the roster managers enrol a pupil by order."""
    _gate(request, ROSTER_MANAGERS)
    classes = list(_school_classes(request))
    class_id = _int_param(request, "class")
    group = next((c for c in classes if c.pk == class_id), None) if class_id else None
    if class_id and group is None:
        raise Http404
    if group is None and classes:
        group = classes[0]
    class_qs = _school_classes(request)
    posted = request.method == "POST"
    form = PupilEnrolForm(
        request.POST if posted else None,
        classes=class_qs,
        initial={"class_group": group.pk if group else None},
    )
    status = 200
    if posted:
        if form.is_valid():
            try:
                pupil = roster.pupil_create(by=request.user, **form.cleaned_data)
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, f"{pupil.user.full_name} зачислен(а) в {pupil.class_group}."
                )
                return redirect(f"{reverse('web:manage_pupils')}?class={pupil.class_group_id}")
        status = 400
    rows: list[Pupil] = []
    if group is not None:
        rows = list(
            roster_selectors.pupil_list(
                for_user=request.user, class_group_id=group.pk
            ).prefetch_related(
                Prefetch(
                    "guardian_links",
                    queryset=GuardianLink.objects.select_related("guardian__user").order_by("id"),
                )
            )
        )
        access_log(
            user=request.user,
            action="read",
            what="web.manage_pupils",
            pupil_ids=[p.pk for p in rows],
            details={"class_group_id": group.pk},
        )
    return render(
        request,
        "web/manage/pupils.html",
        {"classes": classes, "group": group, "rows": rows, "form": form},
        status=status,
    )


def _parents_page(
    request: HttpRequest,
    *,
    create_form: GuardianCreateForm | None = None,
    link_form: GuardianLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    guardians = list(
        Guardian.objects.select_related("user")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=GuardianLink.objects.select_related(
                    "pupil__user", "pupil__class_group"
                ).order_by("id"),
            )
        )
        .order_by("user__last_name", "user__first_name", "id")
    )
    access_log(
        user=request.user,
        action="read",
        what="web.manage_parents",
        pupil_ids=sorted({link.pupil_id for g in guardians for link in g.links.all()}),
    )
    return render(
        request,
        "web/manage/parents.html",
        {
            "guardians": guardians,
            "create_form": create_form or GuardianCreateForm(),
            "link_form": link_form
            or GuardianLinkForm(pupils=roster_selectors.pupil_list(for_user=request.user)),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@school_page
def parents(request: HttpRequest) -> HttpResponse:
    """Parents (legal guardians) with their children; add a parent."""
    _gate(request, ROSTER_MANAGERS)
    if request.method != "POST":
        return _parents_page(request)
    form = GuardianCreateForm(request.POST)
    if form.is_valid():
        try:
            guardian = roster.guardian_create(by=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Родитель {guardian.user.full_name} добавлен(а).")
            return redirect("web:manage_parents")
    return _parents_page(request, create_form=form, status=400)


@require_POST
@school_page
def parent_link(request: HttpRequest) -> HttpResponse:
    """Link a parent to a pupil (the parent's right to see the child)."""
    _gate(request, ROSTER_MANAGERS)
    form = GuardianLinkForm(request.POST, pupils=roster_selectors.pupil_list(for_user=request.user))
    if form.is_valid():
        v = form.cleaned_data
        try:
            roster.guardian_link_create(
                guardian=v["guardian"], pupil=v["pupil"], relation=v["relation"], by=request.user
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{v['guardian'].user.full_name} связан(а) с обучающимся "
                f"{v['pupil'].user.full_name}.",
            )
            return redirect("web:manage_parents")
    return _parents_page(request, link_form=form, status=400)


# ---------------------------------------------------------------- teaching assignments


@require_http_methods(["GET", "POST"])
@school_page
def assignments(request: HttpRequest) -> HttpResponse:
    """Нагрузка of the current year: teacher × subject × class (subgroup) × hours."""
    _gate(request, STRUCTURE_MANAGERS)
    year = _current_year()
    class_qs = _school_classes(request)
    posted = request.method == "POST"
    form = AssignmentCreateForm(request.POST if posted else None, classes=class_qs)
    status = 200
    if posted:
        if form.is_valid():
            try:
                assignment = structure.teaching_assignment_create(
                    by=request.user, **form.cleaned_data
                )
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, f"Нагрузка закреплена: {assignment}, {assignment.teacher}."
                )
                return redirect("web:manage_assignments")
        status = 400
    rows = (
        TeachingAssignment.objects.filter(year=year)
        .select_related("teacher__user", "subject", "class_group", "subgroup")
        .order_by("class_group__grade", "class_group__letter", "subject__title", "id")
        if year
        else TeachingAssignment.objects.none()
    )
    return render(
        request,
        "web/manage/assignments.html",
        {"year": year, "rows": rows, "form": form},
        status=status,
    )


# ---------------------------------------------------------------- timetable


def _timetable_page(
    request: HttpRequest, scope: Scope, form: TimetableEntryForm | None, status: int = 200
) -> HttpResponse:
    year = _current_year()
    classes = list(_school_classes(request))
    teachers = list(staff_queryset().filter(assignments__year=year).distinct()) if year else []
    class_id = _int_param(request, "class")
    teacher_id = _int_param(request, "teacher")
    group = teacher = None
    if teacher_id is not None:
        teacher = next((t for t in teachers if t.pk == teacher_id), None)
        if teacher is None:
            raise Http404
    elif class_id is not None:
        group = next((c for c in classes if c.pk == class_id), None)
        if group is None:
            raise Http404
    elif classes:
        group = classes[0]
    grid: list[dict[str, Any]] = []
    days: list[tuple[int, str]] = []
    if year is not None and (group or teacher):
        entries = list(
            structure_selectors.timetable(
                for_user=request.user,
                class_group_id=group.pk if group else None,
                teacher_id=teacher.pk if teacher else None,
            )
            .filter(year=year)
            .select_related("teacher__user", "subgroup")
        )
        bells = {b.number: b for b in year.bell_slots.all()}
        slots = sorted(set(bells) | {e.slot for e in entries})
        days = [(d, WEEKDAYS[d].capitalize()) for d in range(1, year.days_per_week + 1)]
        cells: dict[tuple[int, int], list[Any]] = {}
        for e in entries:
            cells.setdefault((e.slot, e.weekday), []).append(e)
        grid = [
            {"slot": s, "bell": bells.get(s), "cells": [cells.get((s, d), []) for d, _ in days]}
            for s in slots
        ]
    can_write = scope.has(roles.JOURNAL_ADMIN)
    if can_write and form is None:
        form = TimetableEntryForm(assignments=_assignment_choices(year))
    return render(
        request,
        "web/manage/timetable.html",
        {
            "year": year,
            "classes": classes,
            "teachers": teachers,
            "group": group,
            "teacher": teacher,
            "days": days,
            "grid": grid,
            "form": form if can_write else None,
        },
        status=status,
    )


def _assignment_choices(year: AcademicYear | None) -> Any:
    if year is None:
        return TeachingAssignment.objects.none()
    return (
        TeachingAssignment.objects.filter(year=year)
        .select_related("year", "teacher__user", "subject", "class_group", "subgroup")
        .order_by("class_group__grade", "class_group__letter", "subject__title", "id")
    )


@require_http_methods(["GET", "POST"])
@school_page
def timetable(request: HttpRequest) -> HttpResponse:
    """The weekly timetable by class or by teacher. The director and deputies read it; the
    journal administrator adds slots (clashes are refused in Russian by the service)."""
    scope = _gate(request, STRUCTURE_MANAGERS)
    if request.method != "POST":
        return _timetable_page(request, scope, None)
    if not scope.has(roles.JOURNAL_ADMIN):
        raise PermissionDenied
    form = TimetableEntryForm(request.POST, assignments=_assignment_choices(_current_year()))
    if form.is_valid():
        v = form.cleaned_data
        try:
            entry = structure.timetable_entry_create(
                assignment=v["assignment"],
                weekday=v["weekday"],
                slot=v["slot"],
                room=v["room"],
                by=request.user,
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"В расписание добавлено: {WEEKDAYS[entry.weekday]}, урок №{entry.slot}, "
                f"{v['assignment']}.",
            )
            return redirect(f"{reverse('web:manage_timetable')}?class={entry.class_group_id}")
    return _timetable_page(request, scope, form, status=400)


# ---------------------------------------------------------------- academic years


@require_http_methods(["GET", "POST"])
@school_page
def years(request: HttpRequest) -> HttpResponse:
    """School years with their reporting periods and bells; add a year (periods by default:
    quarters in grades 1–9, half-years in 10–11)."""
    scope = _gate(request, ROSTER_MANAGERS)
    can_write = _may_write(scope, STRUCTURE_MANAGERS)
    form: forms.Form | None = None
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        form = AcademicYearForm(request.POST)
        if form.is_valid():
            try:
                year = structure.academic_year_create(by=request.user, **form.cleaned_data)
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Учебный год {year} создан.")
                return redirect("web:manage_years")
        status = 400
    elif can_write:
        form = AcademicYearForm(initial={"days_per_week": 5, "make_current": True})
    return render(
        request,
        "web/manage/years.html",
        {
            "years": structure_selectors.academic_year_list(for_user=request.user),
            "form": form,
        },
        status=status,
    )


# ---------------------------------------------------------------- subgroups


def _subgroups_page(
    request: HttpRequest,
    group: ClassGroup,
    *,
    form: SubgroupCreateForm | None = None,
    split_errors: list[str] | None = None,
    split_subject_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    splits = structure_selectors.subgroup_list(class_group_id=group.pk, for_user=request.user)
    pupils = list(roster_selectors.pupil_list(for_user=request.user, class_group_id=group.pk))
    posted = request.POST if split_subject_id else {}
    blocks = []
    for split in splits:
        member_of = {pid: sub.pk for sub, ids in split.subgroups for pid in ids}
        rows = []
        for p in pupils:
            chosen: Any = member_of.get(p.pk)
            if split.subject_id == split_subject_id:
                raw = posted.get(f"pupil_{p.pk}", "")
                chosen = int(raw) if raw.isdigit() else None
            rows.append({"pupil": p, "chosen": chosen})
        blocks.append(
            {
                "split": split,
                "rows": rows,
                "unassigned": len(split.unassigned_pupil_ids),
                "errors": split_errors if split.subject_id == split_subject_id else None,
            }
        )
    access_log(
        user=request.user,
        action="read",
        what="web.manage_subgroups",
        pupil_ids=[p.pk for p in pupils],
        details={"class_group_id": group.pk},
    )
    return render(
        request,
        "web/manage/subgroups.html",
        {"group": group, "blocks": blocks, "form": form or SubgroupCreateForm()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@school_page
def subgroups(request: HttpRequest, class_group_id: int) -> HttpResponse:
    """A class's subgroups by subject: add a subgroup, set the split (every pupil of the
    class in exactly one subgroup of the subject, SET-2)."""
    _gate(request, STRUCTURE_MANAGERS)
    group = structure_selectors.class_group_get(
        class_group_id=class_group_id, for_user=request.user
    )
    if request.method != "POST":
        return _subgroups_page(request, group)
    if request.POST.get("action") == "split":
        subject_id = _post_int(request, "subject")
        subject = Subject.objects.filter(pk=subject_id).first() if subject_id else None
        if subject is None:
            raise Http404
        ids = {sub.pk for sub in Subgroup.objects.filter(class_group=group, subject=subject)}
        members: dict[int, list[int]] = {pk: [] for pk in ids}
        problems: list[str] = []
        for key in request.POST:
            if not key.startswith("pupil_"):
                continue
            raw = str(request.POST.get(key, ""))
            pupil_id, sub_id = key.removeprefix("pupil_"), raw
            if not raw:
                continue
            if not (pupil_id.isdigit() and sub_id.isdigit() and int(sub_id) in ids):
                problems.append("Выберите подгруппу из списка.")
                continue
            members[int(sub_id)].append(int(pupil_id))
        if not problems:
            try:
                structure.subgroups_split(
                    class_group=group, subject=subject, members=members, by=request.user
                )
            except ValidationError as exc:
                problems = [m for ms in exc.message_dict.values() for m in ms]
            else:
                messages.success(request, f"Подгруппы по предмету «{subject}» сохранены.")
                return redirect("web:manage_subgroups", class_group_id=group.pk)
        return _subgroups_page(
            request, group, split_errors=problems, split_subject_id=subject.pk, status=400
        )
    form = SubgroupCreateForm(request.POST)
    if form.is_valid():
        try:
            sub = structure.subgroup_create(
                class_group=group,
                subject=form.cleaned_data["subject"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Подгруппа «{sub.title}» создана.")
            return redirect("web:manage_subgroups", class_group_id=group.pk)
    return _subgroups_page(request, group, form=form, status=400)


def _post_int(request: HttpRequest, name: str) -> int | None:
    raw = request.POST.get(name, "")
    return int(raw) if raw.isdigit() else None
