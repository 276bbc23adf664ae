"""The remaining school administration pages (issue #5): the bell schedule, holidays and
schedule changes such as quarantine (SET-1), pupil movement and consent (SET-4, SET-5).

Thin views over the journal's services, in the style of `manage_views`: the roster managers
(director, deputies, journal administrator, secretary) read every page; the structure
managers (director, deputies, journal administrator) change bells and holidays; the roster
managers record movement and consent. Everybody else gets 403; an object of another school
is 404. The services' Russian errors go back on the form with a 400 that keeps the input.

Also here: the dates of a year's reporting periods (the structure managers change them,
SET-1) and revoking a consent (the roster managers and the class teacher's service rule;
the parents and the pupil lose access at once and their sessions end, SET-5).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from journal.access import ROSTER_MANAGERS, STRUCTURE_MANAGERS, Scope
from journal.audit.services import access_log
from journal.register import services as register
from journal.roster import selectors as roster_selectors
from journal.roster import services as roster
from journal.roster.models import Consent, Guardian, Movement, Pupil
from journal.structure import selectors as structure_selectors
from journal.structure import services as structure
from journal.structure.models import AcademicYear, ClassGroup, ReportingPeriod, ScheduleBreak
from journal.web.forms import apply_service_errors
from journal.web.manage_more_forms import (
    BellScheduleForm,
    ConsentForm,
    ConsentRevokeForm,
    MovementForm,
    PeriodDatesForm,
    ScheduleBreakForm,
)
from journal.web.manage_views import (
    SERVICE_ERRORS,
    _gate,
    _may_write,
    _school_classes,
    _year_param,
)
from journal.web.views import _int_param, school_page


def _year_or_404(request: HttpRequest) -> AcademicYear:
    year = _year_param(request)
    if year is None:
        raise Http404
    return year


def _years() -> Any:
    return AcademicYear.objects.order_by("-starts_on")


# ---------------------------------------------------------------- bell schedule


def _bell_initial(year: AcademicYear) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for bell in year.bell_slots.all():
        initial[f"start_{bell.number}"] = bell.starts_at
        initial[f"end_{bell.number}"] = bell.ends_at
    return initial


@require_http_methods(["GET", "POST"])
@school_page
def bells(request: HttpRequest) -> HttpResponse:
    """The bell schedule of a school year; the structure managers replace it."""
    scope = _gate(request, ROSTER_MANAGERS)
    year = _year_or_404(request)
    can_write = _may_write(scope, STRUCTURE_MANAGERS)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        form = BellScheduleForm(request.POST)
        if form.is_valid():
            try:
                slots = structure.bell_schedule_set(year=year, slots=form.slots(), by=request.user)
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, f"Расписание звонков на {year} сохранено: уроков {len(slots)}."
                )
                return redirect(f"{reverse('web:manage_bells')}?year={year.pk}")
        status = 400
    else:
        form = BellScheduleForm(initial=_bell_initial(year))
    return render(
        request,
        "web/manage/more_bells.html",
        {
            "year": year,
            "years": _years(),
            "bells": list(year.bell_slots.order_by("number")),
            "form": form if can_write else None,
        },
        status=status,
    )


# ---------------------------------------------------------------- reporting periods


def _period_prefix(period: ReportingPeriod) -> str:
    return f"p{period.pk}"


@require_http_methods(["GET", "POST"])
@school_page
def year_periods(request: HttpRequest, year_id: int) -> HttpResponse:
    """The reporting periods of a school year; the structure managers change their dates
    (no overlap within the same grades, inside the year, no lessons or period marks left
    outside every period, SET-1)."""
    scope = _gate(request, ROSTER_MANAGERS)
    year = structure_selectors.academic_year_get(year_id=year_id, for_user=request.user)
    can_write = _may_write(scope, STRUCTURE_MANAGERS)
    periods = list(ReportingPeriod.objects.filter(year=year).order_by("grade_from", "number"))
    bound: tuple[int, PeriodDatesForm] | None = None
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        period_id = _int_post(request, "period")
        target = next((p for p in periods if p.pk == period_id), None)
        if target is None:
            raise Http404
        form = PeriodDatesForm(request.POST, prefix=_period_prefix(target))
        if form.is_valid():
            try:
                register.reporting_period_update(
                    period=target,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    by=request.user,
                )
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                target.refresh_from_db()
                messages.success(
                    request,
                    f"{target.title} ({target.grade_from}–{target.grade_to} кл.): "
                    f"{target.starts_on:%d.%m.%Y}–{target.ends_on:%d.%m.%Y}.",
                )
                return redirect("web:manage_year_periods", year_id=year.pk)
        bound = (target.pk, form)
    rows = []
    for p in periods:
        form_for: PeriodDatesForm | None = None
        if can_write:
            if bound is not None and bound[0] == p.pk:
                form_for = bound[1]
            else:
                form_for = PeriodDatesForm(
                    prefix=_period_prefix(p),
                    initial={"starts_on": p.starts_on, "ends_on": p.ends_on},
                )
        rows.append({"period": p, "form": form_for})
    return render(
        request,
        "web/manage/more_periods.html",
        {"year": year, "rows": rows, "can_write": can_write},
        status=400 if bound is not None else 200,
    )


def _int_post(request: HttpRequest, name: str) -> int | None:
    raw = str(request.POST.get(name, ""))
    return int(raw) if raw.isdigit() else None


# ---------------------------------------------------------------- holidays, quarantine


def _year_classes(request: HttpRequest, year: AcademicYear) -> Any:
    return structure_selectors.class_list(for_user=request.user, year_id=year.pk)


def _breaks_page(
    request: HttpRequest,
    scope: Scope,
    year: AcademicYear,
    form: ScheduleBreakForm | None,
    status: int = 200,
) -> HttpResponse:
    can_write = _may_write(scope, STRUCTURE_MANAGERS)
    classes = {c.pk: c.title for c in _year_classes(request, year)}
    rows = [
        {
            "item": b,
            "classes": [classes.get(pk, f"№{pk}") for pk in b.class_group_ids],
        }
        for b in ScheduleBreak.objects.filter(year=year).order_by("starts_on", "id")
    ]
    if can_write and form is None:
        form = ScheduleBreakForm(classes=_year_classes(request, year))
    return render(
        request,
        "web/manage/more_breaks.html",
        {
            "year": year,
            "years": _years(),
            "rows": rows,
            "form": form if can_write else None,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@school_page
def breaks(request: HttpRequest) -> HttpResponse:
    """Holidays, public holidays and schedule changes such as quarantine (whole school or
    some classes): no lessons are generated on these days (SET-1)."""
    scope = _gate(request, ROSTER_MANAGERS)
    year = _year_or_404(request)
    if request.method != "POST":
        return _breaks_page(request, scope, year, None)
    if not _may_write(scope, STRUCTURE_MANAGERS):
        raise PermissionDenied
    form = ScheduleBreakForm(request.POST, classes=_year_classes(request, year))
    if form.is_valid():
        v = form.cleaned_data
        try:
            item = structure.schedule_break_create(
                year=year,
                kind=v["kind"],
                title=v["title"].strip(),
                starts_on=v["starts_on"],
                ends_on=v["ends_on"],
                class_group_ids=[c.pk for c in v["class_group_ids"]],
                by=request.user,
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{item.get_kind_display()} «{item.title}» "
                f"{item.starts_on:%d.%m.%Y}–{item.ends_on:%d.%m.%Y} внесены.",
            )
            return redirect(f"{reverse('web:manage_breaks')}?year={year.pk}")
    return _breaks_page(request, scope, year, form, status=400)


# ---------------------------------------------------------------- pupil movement, consent

NO_CLASS = "none"


@require_http_methods(["GET"])
@school_page
def movement(request: HttpRequest) -> HttpResponse:
    """Pupils of a class (or without a class: left the school) with consent and the last
    movement; each opens the pupil's movement and consent page."""
    _gate(request, ROSTER_MANAGERS)
    classes = list(_school_classes(request))
    without_class = request.GET.get("class") == NO_CLASS
    group: ClassGroup | None = None
    if not without_class:
        class_id = _int_param(request, "class")
        group = next((c for c in classes if c.pk == class_id), None) if class_id else None
        if class_id and group is None:
            raise Http404
        if group is None and classes:
            group = classes[0]
    rows: list[Pupil] = []
    if group is not None or without_class:
        qs = roster_selectors.pupil_list(
            for_user=request.user, class_group_id=group.pk if group else None
        )
        if without_class:
            qs = qs.filter(class_group__isnull=True)
        last = Movement.objects.filter(pupil=OuterRef("pk")).order_by("-on_date", "-id")
        rows = list(
            qs.annotate(
                has_consent=Exists(
                    Consent.objects.filter(pupil=OuterRef("pk"), revoked_on__isnull=True)
                ),
                last_kind=Subquery(last.values("kind")[:1]),
                last_on=Subquery(last.values("on_date")[:1]),
                last_order=Subquery(last.values("order_number")[:1]),
            )
        )
        kinds = dict(Movement.Kind.choices)
        for p in rows:
            p.last_kind_title = kinds.get(p.last_kind or "", "")  # type: ignore[attr-defined]
        access_log(
            user=request.user,
            action="read",
            what="web.manage_movement",
            pupil_ids=[p.pk for p in rows],
            details={"class_group_id": group.pk if group else None},
        )
    return render(
        request,
        "web/manage/more_movement.html",
        {
            "classes": classes,
            "group": group,
            "without_class": without_class,
            "rows": rows,
        },
    )


def _pupil_page(
    request: HttpRequest,
    pupil: Pupil,
    *,
    move_form: MovementForm | None = None,
    consent_form: ConsentForm | None = None,
    revoke: tuple[int, ConsentRevokeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    movements = list(
        pupil.movements.select_related("class_from", "class_to", "recorded_by").order_by(
            "on_date", "id"
        )
    )
    consents = list(
        pupil.consents.select_related("guardian__user", "recorded_by", "revoked_by").order_by(
            "-signed_on", "-id"
        )
    )
    return render(
        request,
        "web/manage/more_pupil.html",
        {
            "pupil": pupil,
            "movements": movements,
            "consents": consents,
            "consent_in_force": any(c.revoked_on is None for c in consents),
            "revoke_forms": [
                (
                    c,
                    revoke[1]
                    if revoke is not None and revoke[0] == c.pk
                    else ConsentRevokeForm(prefix=f"c{c.pk}"),
                )
                for c in consents
                if c.revoked_on is None
            ],
            "move_form": move_form or MovementForm(classes=_school_classes(request)),
            "consent_form": consent_form or ConsentForm(guardians=_guardians(pupil)),
        },
        status=status,
    )


def _guardians(pupil: Pupil) -> Any:
    return (
        Guardian.objects.filter(links__pupil=pupil)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
        .distinct()
    )


def _pupil(request: HttpRequest, pupil_id: int) -> Pupil:
    _gate(request, ROSTER_MANAGERS)
    return roster_selectors.pupil_get(pupil_id=pupil_id, for_user=request.user)


@require_http_methods(["GET"])
@school_page
def pupil(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """One pupil: movement history with order numbers, consents; forms for both."""
    return _pupil_page(request, _pupil(request, pupil_id))


@require_POST
@school_page
def pupil_move(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Move to another class, transfer to another school or withdraw, by order (SET-4)."""
    target = _pupil(request, pupil_id)
    form = MovementForm(request.POST, classes=_school_classes(request))
    if form.is_valid():
        v = form.cleaned_data
        try:
            record = roster.pupil_move(
                pupil=target,
                kind=v["kind"],
                on_date=v["on_date"],
                order_number=v["order_number"],
                class_to=v["class_to"],
                other_school=v["other_school"].strip(),
                by=request.user,
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            where = f" в {record.class_to}" if record.class_to_id else ""
            messages.success(
                request,
                f"{target.user.full_name}: {record.get_kind_display().lower()}{where} "
                f"с {record.on_date:%d.%m.%Y}, приказ {record.order_number}.",
            )
            return redirect("web:manage_pupil", pupil_id=target.pk)
    return _pupil_page(request, target, move_form=form, status=400)


@require_POST
@school_page
def pupil_consent(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Record a parent's written consent (date, scan reference) (SET-5)."""
    target = _pupil(request, pupil_id)
    form = ConsentForm(request.POST, guardians=_guardians(target))
    if form.is_valid():
        v = form.cleaned_data
        try:
            roster.consent_record(
                pupil=target,
                signed_on=v["signed_on"],
                scan_reference=v["scan_reference"],
                guardian=v["guardian"],
                by=request.user,
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Согласие на {target.user.full_name} внесено.")
            return redirect("web:manage_pupil", pupil_id=target.pk)
    return _pupil_page(request, target, consent_form=form, status=400)


@require_POST
@school_page
def pupil_consent_revoke(request: HttpRequest, pupil_id: int, consent_id: int) -> HttpResponse:
    """Record the parent's written withdrawal of a consent (SET-5): from then on the parents
    and the pupil see nothing of the pupil and their running sessions end."""
    target = _pupil(request, pupil_id)
    consent = Consent.objects.filter(pk=consent_id, pupil=target).first()
    if consent is None:
        raise Http404
    form = ConsentRevokeForm(request.POST, prefix=f"c{consent.pk}")
    if form.is_valid():
        v = form.cleaned_data
        try:
            roster.consent_revoke(
                consent=consent, revoked_on=v["revoked_on"], reason=v["reason"], by=request.user
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Согласие на {target.user.full_name} отозвано с {v['revoked_on']:%d.%m.%Y}: "
                "родители и обучающийся больше не видят данных.",
            )
            return redirect("web:manage_pupil", pupil_id=target.pk)
    return _pupil_page(request, target, revoke=(consent.pk, form), status=400)
