"""Administration: pupil movement by order (moved to another class, transferred to another
school, withdrawn, SET-4) and parents' written consent and its withdrawal (SET-5).

The roster managers read and record; after a consent is withdrawn the parents and the pupil
see nothing of the pupil and their running sessions end (the roster's service).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from journal.roster import selectors as roster_selectors
from journal.roster import services as roster
from journal.roster.models import Pupil
from journal.web.manage.people import selectors
from journal.web.manage.people.forms import ConsentForm, ConsentRevokeForm, MovementForm
from journal.web.manage.selectors import current_classes
from journal.web.pages import ROSTER_MANAGERS, choose, int_param, school_page, submit

NO_CLASS = "none"


@school_page(roles=ROSTER_MANAGERS)
def movement(request: HttpRequest) -> HttpResponse:
    """Pupils of a class (or without a class: left the school) with consent and the last
    movement; each opens the pupil's movement and consent page."""
    classes = list(current_classes(for_user=request.user))
    without_class = request.GET.get("class") == NO_CLASS
    group = None if without_class else choose(classes, int_param(request.GET, "class"))
    rows = (
        selectors.movement_rows(group=group, for_user=request.user)
        if group is not None or without_class
        else []
    )
    return render(
        request,
        "web/manage/people/movement.html",
        {"classes": classes, "group": group, "without_class": without_class, "rows": rows},
    )


def pupil_response(
    request: HttpRequest,
    pupil: Pupil,
    *,
    move_form: MovementForm | None = None,
    consent_form: ConsentForm | None = None,
    revoke: tuple[int, ConsentRevokeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    history = selectors.pupil_history(pupil=pupil)
    return render(
        request,
        "web/manage/people/pupil.html",
        {
            "pupil": pupil,
            "movements": history.movements,
            "consents": history.consents,
            "consent_in_force": history.consent_in_force,
            "revoke_forms": [
                (
                    c,
                    revoke[1]
                    if revoke is not None and revoke[0] == c.pk
                    else ConsentRevokeForm(prefix=f"c{c.pk}"),
                )
                for c in history.consents
                if c.revoked_on is None
            ],
            "move_form": move_form or MovementForm(classes=current_classes(for_user=request.user)),
            "consent_form": consent_form
            or ConsentForm(guardians=selectors.guardians_of(pupil=pupil)),
        },
        status=status,
    )


@school_page(roles=ROSTER_MANAGERS)
def pupil(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """One pupil: movement history with order numbers, consents; forms for both."""
    target = roster_selectors.pupil_get(pupil_id=pupil_id, for_user=request.user)
    return pupil_response(request, target)


@school_page(roles=ROSTER_MANAGERS, methods=("POST",))
def pupil_move(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Move to another class, transfer to another school or withdraw, by order (SET-4)."""
    target = roster_selectors.pupil_get(pupil_id=pupil_id, for_user=request.user)
    form = MovementForm(request.POST, classes=current_classes(for_user=request.user))
    record = submit(
        form,
        lambda v: roster.pupil_move(
            pupil=target, by=request.user, **{**v, "other_school": v["other_school"].strip()}
        ),
    )
    if record:
        where = f" в {record.class_to}" if record.class_to_id else ""
        messages.success(
            request,
            f"{target.user.full_name}: {record.get_kind_display().lower()}{where} "
            f"с {record.on_date:%d.%m.%Y}, приказ {record.order_number}.",
        )
        return redirect("web:manage-pupil", pupil_id=target.pk)
    return pupil_response(request, target, move_form=form, status=400)


@school_page(roles=ROSTER_MANAGERS, methods=("POST",))
def pupil_consent(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Record a parent's written consent (date, scan reference) (SET-5)."""
    target = roster_selectors.pupil_get(pupil_id=pupil_id, for_user=request.user)
    form = ConsentForm(request.POST, guardians=selectors.guardians_of(pupil=target))
    if submit(form, lambda v: roster.consent_record(pupil=target, by=request.user, **v)):
        messages.success(request, f"Согласие на {target.user.full_name} внесено.")
        return redirect("web:manage-pupil", pupil_id=target.pk)
    return pupil_response(request, target, consent_form=form, status=400)


@school_page(roles=ROSTER_MANAGERS, methods=("POST",))
def pupil_consent_revoke(request: HttpRequest, pupil_id: int, consent_id: int) -> HttpResponse:
    """Record the parent's written withdrawal of a consent (SET-5): from then on the parents
    and the pupil see nothing of the pupil and their running sessions end."""
    target = roster_selectors.pupil_get(pupil_id=pupil_id, for_user=request.user)
    consent = selectors.consent_get(pupil=target, consent_id=consent_id, for_user=request.user)
    form = ConsentRevokeForm(request.POST, prefix=f"c{consent.pk}")
    if submit(form, lambda v: roster.consent_revoke(consent=consent, by=request.user, **v)):
        messages.success(
            request,
            f"Согласие на {target.user.full_name} отозвано с "
            f"{form.cleaned_data['revoked_on']:%d.%m.%Y}: "
            "родители и обучающийся больше не видят данных.",
        )
        return redirect("web:manage-pupil", pupil_id=target.pk)
    return pupil_response(request, target, revoke=(consent.pk, form), status=400)
