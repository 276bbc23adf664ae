"""Administration: pupils of a class with their parents (enrolment by order), parents with
their children (a parent's right to see a child, SET-4).

The roster managers read and write; the roster's services decide every rule and their
Russian errors go back on the form's fields with a 400 that keeps what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from journal.roster import selectors as roster_selectors
from journal.roster import services as roster
from journal.web.manage.people import selectors
from journal.web.manage.people.forms import GuardianCreateForm, GuardianLinkForm, PupilEnrolForm
from journal.web.manage.selectors import current_classes
from journal.web.pages import ROSTER_MANAGERS, choose, int_param, school_page, submit


@school_page(roles=ROSTER_MANAGERS, methods=("GET", "POST"))
def pupils(request: HttpRequest) -> HttpResponse:
    """Pupils of a class with their parents; the roster managers enrol a pupil by order."""
    classes = list(current_classes(for_user=request.user))
    group = choose(classes, int_param(request.GET, "class"))
    posted = request.method == "POST"
    form = PupilEnrolForm(
        request.POST if posted else None,
        classes=current_classes(for_user=request.user),
        initial={"class_group": group.pk if group else None},
    )
    status = 200
    if posted:
        pupil = submit(form, lambda v: roster.pupil_create(by=request.user, **v))
        if pupil:
            messages.success(request, f"{pupil.user.full_name} зачислен(а) в {pupil.class_group}.")
            return redirect(f"{reverse('web:manage-pupils')}?class={pupil.class_group_id}")
        status = 400
    rows = selectors.pupil_rows(group=group, for_user=request.user) if group else []
    return render(
        request,
        "web/manage/people/pupils.html",
        {"classes": classes, "group": group, "rows": rows, "form": form},
        status=status,
    )


def link_form(request: HttpRequest, data: object = None) -> GuardianLinkForm:
    return GuardianLinkForm(
        data,
        guardians=selectors.guardian_choices(for_user=request.user),
        pupils=roster_selectors.pupil_list(for_user=request.user),
    )


def parents_response(
    request: HttpRequest,
    *,
    create_form: GuardianCreateForm | None = None,
    linking: GuardianLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/manage/people/parents.html",
        {
            "guardians": selectors.guardian_rows(for_user=request.user),
            "create_form": create_form or GuardianCreateForm(),
            "link_form": linking or link_form(request),
        },
        status=status,
    )


@school_page(roles=ROSTER_MANAGERS, methods=("GET", "POST"))
def parents(request: HttpRequest) -> HttpResponse:
    """Parents (legal guardians) with their children; add a parent."""
    if request.method != "POST":
        return parents_response(request)
    form = GuardianCreateForm(request.POST)
    guardian = submit(form, lambda v: roster.guardian_create(by=request.user, **v))
    if guardian:
        messages.success(request, f"Родитель {guardian.user.full_name} добавлен(а).")
        return redirect("web:manage-parents")
    return parents_response(request, create_form=form, status=400)


@school_page(roles=ROSTER_MANAGERS, methods=("POST",))
def parent_link(request: HttpRequest) -> HttpResponse:
    """Link a parent to a pupil (the parent's right to see the child)."""
    form = link_form(request, request.POST)
    link = submit(form, lambda v: roster.guardian_link_create(by=request.user, **v))
    if link:
        messages.success(
            request,
            f"{link.guardian.user.full_name} связан(а) с обучающимся {link.pupil.user.full_name}.",
        )
        return redirect("web:manage-parents")
    return parents_response(request, linking=form, status=400)
