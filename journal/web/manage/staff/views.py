"""Administration: the school's staff with their roles; the roster managers add a member
and switch one off when they leave, or back on (SET-3)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import roles
from accounts.roles import has_role
from core.forms import SERVICE_ERRORS, error_messages
from journal.identity import services as identity_services
from journal.structure import services as structure
from journal.web.manage.staff import selectors
from journal.web.manage.staff.forms import StaffCreateForm
from journal.web.pages import ROSTER_MANAGERS, may_write, school_page, submit

PASSWORD_ISSUERS = frozenset({roles.JOURNAL_ADMIN})  # SEC-3: the journal administrator


def staff_response(
    request: HttpRequest,
    form: StaffCreateForm,
    *,
    status: int = 200,
    action_errors: list[str] | None = None,
) -> HttpResponse:
    return render(
        request,
        "web/manage/staff/staff.html",
        {
            "rows": selectors.staff_rows(for_user=request.user),
            "form": form,
            "can_write": may_write(request),
            "action_errors": action_errors or [],
            "me": request.user.pk,
            "can_issue_passwords": has_role(request.user, roles.JOURNAL_ADMIN),
        },
        status=status,
    )


@school_page(roles=ROSTER_MANAGERS, methods=("GET", "POST"))
def staff(request: HttpRequest) -> HttpResponse:
    """Staff with their roles; the roster managers add a member (account without password)."""
    if request.method != "POST":
        return staff_response(request, StaffCreateForm())
    form = StaffCreateForm(request.POST)
    member = submit(
        form,
        lambda v: structure.staff_member_create(
            role_names=v["roles"],
            by=request.user,
            **{name: value for name, value in v.items() if name != "roles"},
        ),
    )
    if member:
        messages.success(request, f"Сотрудник {member} добавлен.")
        return redirect("web:manage-staff")
    return staff_response(request, form, status=400)


def staff_switch(request: HttpRequest, staff_id: int, *, active: bool) -> HttpResponse:
    member = selectors.staff_member_get(staff_id=staff_id, for_user=request.user)
    service = structure.staff_member_reactivate if active else structure.staff_member_deactivate
    try:
        service(staff_member=member, by=request.user)
    except SERVICE_ERRORS as exc:
        return staff_response(
            request, StaffCreateForm(), status=400, action_errors=error_messages(exc)
        )
    if active:
        messages.success(request, f"Сотрудник {member} снова работает: вход открыт.")
    else:
        messages.success(
            request, f"Сотрудник {member} отключён: вход закрыт, записи и история сохранены."
        )
    return redirect("web:manage-staff")


@school_page(roles=ROSTER_MANAGERS, methods=("POST",))
def staff_deactivate(request: HttpRequest, staff_id: int) -> HttpResponse:
    """The member of staff no longer works here: the account is closed, history kept (SET-3)."""
    return staff_switch(request, staff_id, active=False)


@school_page(roles=ROSTER_MANAGERS, methods=("POST",))
def staff_reactivate(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Return a member of staff to work (SET-3)."""
    return staff_switch(request, staff_id, active=True)


@school_page(roles=ROSTER_MANAGERS, methods=("POST",), write_roles=PASSWORD_ISSUERS)
def staff_password(request: HttpRequest, staff_id: int) -> HttpResponse:
    """The journal administrator gives a staff member a password: the first one of a new
    member or a reset; shown once, to be changed at the first sign-in (SEC-3)."""
    member = selectors.staff_member_get(staff_id=staff_id, for_user=request.user)
    first = not member.user.has_usable_password()
    try:
        password = identity_services.staff_password_reset(
            user=member.user, by=request.user, reason="первый пароль" if first else "сброс"
        )
    except SERVICE_ERRORS as exc:
        return staff_response(
            request, StaffCreateForm(), status=400, action_errors=error_messages(exc)
        )
    response = render(
        request,
        "web/manage/staff/password_issued.html",
        {"member": member, "password": password, "first": first},
    )
    response["Cache-Control"] = "no-store"
    return response
