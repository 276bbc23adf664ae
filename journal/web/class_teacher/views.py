"""The class teacher's pages (issue #5): the class's day (attendance reasons, ATT-2), the
class list with parents, consent and sign-ins (DIA-4), one pupil's card and temporary
pupil logins (SEC-2).

The class teacher of the class reads and acts; the director and deputies read only.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.forms import SERVICE_ERRORS, error_text, form_error_text
from core.hosts import portal_url
from journal.identity import services as identity_services
from journal.register import selectors as reg_selectors
from journal.register import services as reg_services
from journal.roster.models import Pupil
from journal.web.class_teacher import selectors
from journal.web.class_teacher.forms import AttendanceReasonForm, TemporaryLoginForm
from journal.web.pages import (
    CLASS_READERS,
    STAFF_ROLES,
    choose,
    date_param,
    int_param,
    school_page,
    submit,
)
from journal.web.selectors import led_classes


@school_page(roles=CLASS_READERS)
def class_day(request: HttpRequest) -> HttpResponse:
    classes = led_classes(for_user=request.user)
    group = choose(classes, int_param(request.GET, "class"))  # 404: a class not theirs
    if group is None:
        return render(request, "web/class_teacher/day.html", {"classes": [], "rows": []})
    on_date = date_param(request.GET, "date", timezone.localdate())
    rows = reg_selectors.attendance_daily(
        class_group_id=group.pk, on_date=on_date, for_user=request.user
    )
    return render(
        request,
        "web/class_teacher/day.html",
        {
            "classes": classes,
            "group": group,
            "on_date": on_date,
            "prev_day": on_date - dt.timedelta(days=1),
            "next_day": on_date + dt.timedelta(days=1),
            "rows": rows,
            "reason_form": AttendanceReasonForm(),
            "late_code": AttendanceReasonForm.LATE,  # a lateness takes no reason
        },
    )


@school_page(roles=STAFF_ROLES, methods=("POST",), deny=404)
def attendance_reason(request: HttpRequest, attendance_id: int) -> HttpResponse:
    att = reg_selectors.attendance_for_reason(attendance_id=attendance_id, for_user=request.user)
    form = AttendanceReasonForm(request.POST)
    saved = submit(
        form,
        lambda v: reg_services.attendance_reason_set(
            attendance=att, code=v["code"], note=v["note"], by=request.user
        ),
    )
    if saved:
        messages.success(request, "Причина пропуска сохранена.")
    else:
        messages.error(request, form_error_text(form))
    back = request.POST.get("back", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("web:class-day")
    return redirect(back)


@school_page(roles=CLASS_READERS)
def class_pupils(request: HttpRequest) -> HttpResponse:
    """The class: each pupil with parents, consent, sign-ins and a temporary login in force."""
    classes = led_classes(for_user=request.user)
    group = choose(classes, int_param(request.GET, "class"))  # 404: a class not theirs
    if group is None:
        return render(request, "web/class_teacher/pupils.html", {"classes": [], "rows": []})
    listing = selectors.class_pupils(group=group, for_user=request.user)
    return render(
        request,
        "web/class_teacher/pupils.html",
        {"classes": classes, "group": group, "rows": listing.rows, "can_act": listing.can_act},
    )


def card_response(
    request: HttpRequest,
    pupil: Pupil,
    *,
    form: TemporaryLoginForm | None = None,
    status: int = 200,
) -> HttpResponse:
    card = selectors.pupil_card(pupil=pupil, for_user=request.user)
    return render(
        request,
        "web/class_teacher/pupil_card.html",
        {
            "pupil": card.pupil,
            "participation": card.participation,
            "links": card.links,
            "consents": card.consents,
            "consent_in_force": card.consent_in_force,
            "logins": card.logins,
            "can_act": card.can_act,
            "form": form if form is not None else (TemporaryLoginForm() if card.can_act else None),
        },
        status=status,
    )


@school_page(roles=STAFF_ROLES)
def pupil_card(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.pupil_for_card(pupil_id=pupil_id, for_user=request.user)
    return card_response(request, pupil)


@school_page(roles=STAFF_ROLES, methods=("POST",))
def temporary_login_issue(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Issue a temporary login on a written request; the password is shown once."""
    pupil = selectors.pupil_for_card(pupil_id=pupil_id, for_user=request.user, to_act=True)
    form = TemporaryLoginForm(request.POST)
    issued = submit(
        form,
        lambda v: identity_services.temporary_login_issue(
            pupil=pupil,
            request_reason=v["request_reason"],
            request_date=v["request_date"],
            valid_days=v["valid_days"],
            by=request.user,
        ),
    )
    if issued:
        record, username, password = issued
        response = render(
            request,
            "web/class_teacher/temporary_login_issued.html",
            {"pupil": pupil, "record": record, "username": username, "password": password},
        )
        response["Cache-Control"] = "no-store"
        return response
    return card_response(request, pupil, form=form, status=400)


@school_page(roles=STAFF_ROLES, methods=("POST",))
def temporary_login_revoke(request: HttpRequest, temporary_login_id: int) -> HttpResponse:
    record = selectors.temporary_login_for_revoke(
        temporary_login_id=temporary_login_id, for_user=request.user
    )
    identity_services.temporary_login_revoke(temporary_login=record, by=request.user)
    messages.success(request, f"Временный логин {record.pupil.user.full_name} отозван.")
    return redirect("web:class-pupil-card", pupil_id=record.pupil_id)


@school_page(roles=STAFF_ROLES, methods=("POST",))
def invitation_issue(request: HttpRequest, pupil_id: int, user_id: int) -> HttpResponse:
    """A one-time code linking a parent (or the pupil) to Госуслуги, shown once with the
    instructions to print and hand over (SEC-1)."""
    pupil = selectors.pupil_for_card(pupil_id=pupil_id, for_user=request.user, to_act=True)
    person = selectors.card_person(pupil=pupil, user_id=user_id)  # 404: not on this card
    try:
        invitation, code = identity_services.invitation_issue(person=person, by=request.user)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
        return redirect("web:class-pupil-card", pupil_id=pupil.pk)
    response = render(
        request,
        "web/class_teacher/invitation_issued.html",
        {
            "pupil": pupil,
            "person": person,
            "invitation": invitation,
            "code": code,
            "portal_url": portal_url(request, "/sso/"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response
