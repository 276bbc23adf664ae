"""Reads of the people pages: pupils with their parents, parents with their children,
pupil movement and consent (SET-4, SET-5). Every read of pupils' data is logged (ROLE-4).
The pages' gate admits the roster managers; pupils come through `pupil_list`/`pupil_get`
(the roster's visibility rule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from journal.access import scope_for
from journal.audit.services import access_log
from journal.roster import selectors as roster_selectors
from journal.roster.models import Consent, Guardian, GuardianLink, Movement, Pupil
from journal.structure.models import ClassGroup


def pupil_rows(*, group: ClassGroup, for_user: Any) -> list[Pupil]:
    """The class's pupils with their parents' links."""
    rows = list(
        roster_selectors.pupil_list(for_user=for_user, class_group_id=group.pk).prefetch_related(
            Prefetch(
                "guardian_links",
                queryset=GuardianLink.objects.select_related("guardian__user").order_by("id"),
            )
        )
    )
    access_log(
        user=for_user,
        action="read",
        what="web.manage_pupils",
        pupil_ids=[p.pk for p in rows],
        details={"class_group_id": group.pk},
    )
    return rows


def guardian_choices(*, for_user: Any) -> QuerySet[Guardian]:
    """The school's parents by name (staff only)."""
    if not scope_for(for_user).is_staff:
        return Guardian.objects.none()
    return Guardian.objects.select_related("user").order_by(
        "user__last_name", "user__first_name", "id"
    )


def guardian_rows(*, for_user: Any) -> list[Guardian]:
    """Every parent with the children they are linked to."""
    guardians = list(
        guardian_choices(for_user=for_user).prefetch_related(
            Prefetch(
                "links",
                queryset=GuardianLink.objects.select_related(
                    "pupil__user", "pupil__class_group"
                ).order_by("id"),
            )
        )
    )
    access_log(
        user=for_user,
        action="read",
        what="web.manage_parents",
        pupil_ids=sorted({link.pupil_id for g in guardians for link in g.links.all()}),
    )
    return guardians


def movement_rows(*, group: ClassGroup | None, for_user: Any) -> list[Pupil]:
    """Pupils of a class (`group=None`: those without a class, who left the school) with
    whether a consent is in force and their last movement."""
    qs = roster_selectors.pupil_list(for_user=for_user, class_group_id=group.pk if group else None)
    if group is None:
        qs = qs.filter(class_group__isnull=True)
    last = Movement.objects.filter(pupil=OuterRef("pk")).order_by("-on_date", "-id")
    rows: list[Pupil] = list(
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
        user=for_user,
        action="read",
        what="web.manage_movement",
        pupil_ids=[p.pk for p in rows],
        details={"class_group_id": group.pk if group else None},
    )
    return rows


@dataclass
class PupilHistory:
    movements: list[Movement]
    consents: list[Consent]

    @property
    def consent_in_force(self) -> bool:
        return any(c.revoked_on is None for c in self.consents)


def pupil_history(*, pupil: Pupil) -> PupilHistory:
    """The pupil's movements with their orders and consents. `pupil` comes from
    `roster.selectors.pupil_get` (the access check, logged there)."""
    return PupilHistory(
        movements=list(
            pupil.movements.select_related("class_from", "class_to", "recorded_by").order_by(
                "on_date", "id"
            )
        ),
        consents=list(
            pupil.consents.select_related("guardian__user", "recorded_by", "revoked_by").order_by(
                "-signed_on", "-id"
            )
        ),
    )


def guardians_of(*, pupil: Pupil) -> QuerySet[Guardian]:
    """The pupil's parents, for the consent form."""
    return (
        Guardian.objects.filter(links__pupil=pupil)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
        .distinct()
    )


def consent_get(*, pupil: Pupil, consent_id: int, for_user: Any) -> Consent:
    """One of the pupil's consents, for staff (404 for another pupil's or anyone else).
    `pupil` comes from `roster.selectors.pupil_get` (the access check)."""
    consent = (
        Consent.objects.filter(pk=consent_id, pupil=pupil).first()
        if scope_for(for_user).is_staff
        else None
    )
    if consent is None:
        raise Http404
    return consent
