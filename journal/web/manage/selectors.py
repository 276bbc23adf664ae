"""Reads shared by the administration pages: the school year a page shows, the classes of
the current year, the years to choose from. Staff only (the pages' gate lets in the roster
and structure managers); another school's ids are 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from journal.access import scope_for
from journal.structure import selectors as structure_selectors
from journal.structure.models import AcademicYear, ClassGroup


def year_chosen(*, year_id: int | None, for_user: Any, required: bool = False) -> Any:
    """The year the query string names (404 when there is none such), else the current one;
    `required`: 404 in a school without any year."""
    if year_id is not None:
        return structure_selectors.academic_year_get(year_id=year_id, for_user=for_user)
    year = structure_selectors.academic_year_current()
    if year is None and required:
        raise Http404
    return year


def year_choices(*, for_user: Any) -> QuerySet[AcademicYear]:
    """The school's years for a year switch, the latest first."""
    if not scope_for(for_user).is_staff:
        return AcademicYear.objects.none()
    return AcademicYear.objects.order_by("-starts_on")


def current_classes(*, for_user: Any) -> QuerySet[ClassGroup]:
    """Classes of the current year the user may list."""
    year = structure_selectors.academic_year_current()
    qs = structure_selectors.class_list(for_user=for_user)
    return qs.filter(year=year) if year else qs.none()
