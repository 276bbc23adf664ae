"""A report form's parameters (TPL-3) as one validated Django form, for the pages and the API.

Fields come from the published version's `parameters` (name, title, type, required); the
selectors read them **by type** (`Params.class_group`, `Params.period`, ...), so a version
that renames a parameter keeps working. Malformed values are field errors in Russian (400 in
the API); an id that names nothing in this school is 404 (TEN-3), as everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404
from django.utils import timezone

from core.russian import month_title
from journal.reports.layout import FormDef
from journal.structure.models import (
    AcademicYear,
    ClassGroup,
    ReportingPeriod,
    StaffMember,
    Subject,
)

OBJECT_TYPES = {
    "academic_year": AcademicYear,
    "period": ReportingPeriod,
    "class_group": ClassGroup,
    "subject": Subject,
    "teacher": StaffMember,
}


@dataclass(frozen=True)
class Params:
    """The resolved parameters, by type. `stored` is what a generated file records."""

    year: AcademicYear | None = None
    period: ReportingPeriod | None = None
    class_group: ClassGroup | None = None
    subject: Subject | None = None
    teacher: StaffMember | None = None
    month: dt.date | None = None  # its first day
    date: dt.date | None = None
    stored: tuple[tuple[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return dict(self.stored)

    def labels(self, form: FormDef) -> list[tuple[str, str]]:
        """«Класс: 5А», «Учебный период: 2-я четверть» in the form's order."""
        shown = {
            "academic_year": self.year.title if self.year else "",
            "period": self.period.title if self.period else "",
            "class_group": self.class_group.title if self.class_group else "",
            "subject": self.subject.title if self.subject else "",
            "teacher": str(self.teacher) if self.teacher else "",
            "month": month_title(self.month) if self.month else "",
            "date": f"{self.date:%d.%m.%Y}" if self.date else "",
        }
        return [(p["title"], shown[p["type"]]) for p in form.parameters if shown.get(p["type"])]


def month_of(raw: str) -> dt.date | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})", raw.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


class ParamsForm(forms.Form):
    """Built from the form version's parameters; `choices` are the page's select options."""

    def __init__(
        self,
        data: Any,
        *,
        form: FormDef,
        choices: dict[str, list[tuple[Any, str]]] | None = None,
    ) -> None:
        super().__init__(data)
        self.form_def = form
        self.resolved: Params | None = None
        for p in form.parameters:
            kind, required, label = p["type"], bool(p.get("required", True)), p["title"]
            field: forms.Field
            if kind in OBJECT_TYPES:
                options = (choices or {}).get(kind)
                widget = forms.Select(choices=[("", "—"), *options]) if options else None
                field = forms.IntegerField(
                    label=label, required=required, min_value=1, widget=widget
                )
            elif kind == "month":
                field = forms.CharField(
                    label=label,
                    required=required,
                    widget=forms.TextInput(attrs={"type": "month"}),
                    help_text="ГГГГ-ММ",
                )
            else:  # date; a date_range or grade parameter is not used by any report yet
                field = forms.DateField(
                    label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
                )
            self.fields[p["name"]] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        by_type: dict[str, Any] = {}
        names: dict[str, str] = {}
        for p in self.form_def.parameters:
            names[p["type"]] = p["name"]
            value = data.get(p["name"])
            if value in (None, ""):
                continue
            model = OBJECT_TYPES.get(p["type"])
            if model is not None:
                obj = model._default_manager.filter(pk=value).first()
                if obj is None:
                    raise Http404  # an id of nothing here (another school's): 404, TEN-3
                by_type[p["type"]] = obj
            elif p["type"] == "month":
                month = month_of(str(value))
                if month is None:
                    self.add_error(p["name"], "Укажите месяц в виде ГГГГ-ММ.")
                    return data
                by_type["month"] = month
            else:
                by_type[p["type"]] = value
        self.resolved = self._coherent(by_type, names)
        return data

    def _coherent(self, got: dict[str, Any], names: dict[str, str]) -> Params | None:
        """The parameters agree with one another: one school year, the class's grade."""
        cls: ClassGroup | None = got.get("class_group")
        year: AcademicYear | None = got.get("academic_year")
        period: ReportingPeriod | None = got.get("period")
        if year is None:
            year = cls.year if cls else (period.year if period else None)
        if year is None and ("academic_year" in names or "month" in names or "date" in names):
            year = AcademicYear.objects.filter(is_current=True).first()
        errors = False
        if cls and year and cls.year_id != year.pk:
            self.add_error(names["academic_year"], "Класс не относится к выбранному учебному году.")
            errors = True
        if period and year and period.year_id != year.pk:
            self.add_error(names["period"], "Период не относится к выбранному учебному году.")
            errors = True
        elif period and cls and not period.grade_from <= cls.grade <= period.grade_to:
            self.add_error(names["period"], f"Этот период не относится к {cls.grade} классам.")
            errors = True
        month: dt.date | None = got.get("month")
        if month and year and not year.starts_on.replace(day=1) <= month <= year.ends_on:
            self.add_error(names["month"], f"Месяц вне учебного года {year.title}.")
            errors = True
        day: dt.date | None = got.get("date")
        if "date" in names and day is None and year is not None:
            day = min(max(timezone.localdate(), year.starts_on), year.ends_on)
        if day and year and not year.starts_on <= day <= year.ends_on:
            self.add_error(names["date"], f"Дата вне учебного года {year.title}.")
            errors = True
        if errors:
            return None
        stored: list[tuple[str, Any]] = []
        for kind, obj in (
            ("academic_year", year),
            ("period", period),
            ("class_group", cls),
            ("subject", got.get("subject")),
            ("teacher", got.get("teacher")),
        ):
            if obj is not None:
                stored.append((kind, obj.pk))
        if month:
            stored.append(("month", f"{month:%Y-%m}"))
        if day and "date" in names:
            stored.append(("date", day.isoformat()))
        return Params(
            year=year,
            period=period,
            class_group=cls,
            subject=got.get("subject"),
            teacher=got.get("teacher"),
            month=month,
            date=day if "date" in names else None,
            stored=tuple(stored),
        )
