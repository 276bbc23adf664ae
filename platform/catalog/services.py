"""Writes of the central catalog: templates, versions, publishing, adoption (TPL-1..3, TEN-2)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from catalog.definitions import validate_bands, validate_calendar, validate_report_form
from catalog.models import (
    AdoptionRecord,
    PeriodCalendar,
    PeriodScheme,
    RegulationTemplate,
    RegulationVersion,
    ReportForm,
    SchoolAdoption,
)
from catalog.schema import (
    DEFAULT_RULES_DICT,
    merge_rules,
    validate_fixed,
    validate_overrides,
    validate_rules,
)
from catalog.selectors import rules_cache_invalidate
from catalog.signals import school_adoption_changed
from core.errors import ApplicationError
from tenants.models import School

logger = logging.getLogger(__name__)

PUBLISHED_IS_IMMUTABLE = (
    "Опубликованная редакция не изменяется. Создайте новую редакцию на её основе."
)


EMPTY_TEXT = "Введите текст положения: пустую редакцию сохранить нельзя."


def _required_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def _code(value: str | None, model: type[Any], *, field: str = "code") -> str:
    import re

    code = (value or "").strip().lower()
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,62}", code):
        raise ValidationError(
            {field: ["Код: от 2 до 63 строчных латинских букв, цифр и дефисов, с буквы."]}
        )
    if model.objects.filter(code=code).exists():
        raise ValidationError({field: ["Шаблон с таким кодом уже есть."]})
    return code


def _set_default(model: type[Any], instance: Any) -> None:
    model.objects.filter(is_default=True).exclude(pk=instance.pk).update(is_default=False)
    instance.is_default = True
    instance.save(update_fields=["is_default", "updated_at"])


# --- regulation templates and versions ----------------------------------------------------


@transaction.atomic
def regulation_template_create(
    *,
    code: str,
    title: str,
    version_title: str = "",
    text: str = "",
    rules: dict[str, Any] | None = None,
    fixed: list[str] | None = None,
    sources: dict[str, str] | None = None,
    is_default: bool = False,
    by: User | None,
) -> RegulationVersion:
    """A new regulation with its first (draft) version; rules not given take the defaults."""
    code = _code(code, RegulationTemplate)
    title = _required_text(title, "title", "Укажите название положения.")
    template = RegulationTemplate.objects.create(code=code, title=title)
    version = _version_create(
        template=template,
        number=1,
        title=version_title or title,
        text=text,
        rules=merge_rules(DEFAULT_RULES_DICT, rules),
        fixed=fixed or [],
        sources=sources or {},
        by=by,
    )
    if is_default:
        _set_default(RegulationTemplate, template)
    return version


def _version_create(
    *,
    template: RegulationTemplate,
    number: int,
    title: str,
    text: str,
    rules: dict[str, Any],
    fixed: list[str],
    sources: dict[str, str],
    by: User | None,
) -> RegulationVersion:
    title = _required_text(title, "title", "Укажите заголовок редакции.")
    rules = validate_rules(rules)
    fixed = validate_fixed(fixed)
    if not isinstance(sources, dict):
        raise ValidationError({"sources": ["Источники задаются объектом «правило: пункт»."]})
    _required_text(text, "text", EMPTY_TEXT)  # an empty version is refused (#11)
    return RegulationVersion.objects.create(
        template=template,
        number=number,
        title=title,
        text=text,
        rules=rules,
        fixed=fixed,
        sources=sources,
        created_by=by,
    )


@transaction.atomic
def regulation_version_create(
    *,
    template: RegulationTemplate,
    by: User | None,
    based_on: RegulationVersion | None = None,
    title: str | None = None,
    text: str | None = None,
    rules: dict[str, Any] | None = None,
    fixed: list[str] | None = None,
    sources: dict[str, str] | None = None,
) -> RegulationVersion:
    """A new draft version: a copy of `based_on` (default: the latest) with the changes.

    `rules` may name only the rules that change; they are merged over the base version's.
    """
    RegulationTemplate.objects.select_for_update().filter(pk=template.pk).first()
    base = based_on or template.versions.order_by("-number").first()
    if base is not None and base.template_id != template.pk:
        raise ValidationError({"based_on": ["Редакция относится к другому положению."]})
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return _version_create(
        template=template,
        number=number,
        title=title if title is not None else (base.title if base else template.title),
        text=text if text is not None else (base.text if base else ""),
        rules=merge_rules(base.rules if base else DEFAULT_RULES_DICT, rules),
        fixed=fixed if fixed is not None else (list(base.fixed) if base else []),
        sources=sources if sources is not None else (dict(base.sources) if base else {}),
        by=by,
    )


@transaction.atomic
def regulation_version_update(
    *,
    version: RegulationVersion,
    by: User | None,
    title: str | None = None,
    text: str | None = None,
    rules: dict[str, Any] | None = None,
    fixed: list[str] | None = None,
    sources: dict[str, str] | None = None,
) -> RegulationVersion:
    """Edit a draft. A published version is refused: edits create a new version."""
    version = RegulationVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ApplicationError(PUBLISHED_IS_IMMUTABLE)
    if title is not None:
        version.title = _required_text(title, "title", "Укажите заголовок редакции.")
    if text is not None:
        _required_text(text, "text", EMPTY_TEXT)
        version.text = text
    if rules is not None:
        version.rules = validate_rules(merge_rules(version.rules, rules))
    if fixed is not None:
        version.fixed = validate_fixed(fixed)
    if sources is not None:
        if not isinstance(sources, dict):
            raise ValidationError({"sources": ["Источники задаются объектом «правило: пункт»."]})
        version.sources = sources
    version.save()
    return version


@transaction.atomic
def regulation_version_publish(*, version: RegulationVersion, by: User | None) -> RegulationVersion:
    """Publish a draft; from now on it is immutable and schools may adopt it."""
    version = RegulationVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ApplicationError("Редакция уже опубликована.")
    validate_rules(version.rules)  # a draft written before a schema change is checked again
    version.status = RegulationVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by
    version.save(update_fields=["status", "published_at", "published_by"])
    return version


@transaction.atomic
def regulation_template_make_default(*, template: RegulationTemplate) -> RegulationTemplate:
    """New schools adopt this template's latest published version at onboarding."""
    if not template.versions.filter(status=RegulationVersion.Status.PUBLISHED).exists():
        raise ApplicationError("У положения нет опубликованной редакции.")
    _set_default(RegulationTemplate, template)
    return template


# --- reporting periods and report forms ---------------------------------------------------


@transaction.atomic
def period_scheme_create(
    *,
    code: str,
    title: str,
    bands: Any,
    description: str = "",
    is_default: bool = False,
    by: User | None,
) -> PeriodScheme:
    """A scheme of reporting periods per grade band (e.g. quarters 2–9, half-years 10–11)."""
    code = _code(code, PeriodScheme)
    title = _required_text(title, "title", "Укажите название схемы.")
    scheme = PeriodScheme.objects.create(
        code=code,
        title=title,
        description=description or "",
        bands=validate_bands(bands),
        created_by=by,
    )
    if is_default:
        _set_default(PeriodScheme, scheme)
    return scheme


@transaction.atomic
def period_calendar_set(
    *, scheme: PeriodScheme, start_year: int, periods: Any, holidays: Any
) -> PeriodCalendar:
    """Set (or replace) the dates of a scheme's periods and holidays for one academic year."""
    periods, holidays = validate_calendar(
        start_year=start_year, periods=periods, holidays=holidays, kinds_needed=scheme.kinds()
    )
    calendar, _ = PeriodCalendar.objects.update_or_create(
        scheme=scheme,
        start_year=start_year,
        defaults={"periods": periods, "holidays": holidays},
    )
    return calendar


@transaction.atomic
def report_form_create(
    *,
    code: str,
    title: str,
    row_kind: str,
    columns: Any,
    parameters: Any = None,
    requirement: str = "",
    description: str = "",
    by: User | None,
) -> ReportForm:
    """A report form; a known code gets the next version (earlier ones are kept as they were)."""
    import re

    code = (code or "").strip().lower()
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,62}", code):
        raise ValidationError(
            {"code": ["Код: от 2 до 63 строчных латинских букв, цифр и дефисов, с буквы."]}
        )
    title = _required_text(title, "title", "Укажите название отчёта.")
    parameters, columns = validate_report_form(
        code=code, row_kind=row_kind, parameters=parameters or [], columns=columns
    )
    latest = ReportForm.objects.select_for_update().filter(code=code).aggregate(n=Max("version"))
    return ReportForm.objects.create(
        code=code,
        version=(latest["n"] or 0) + 1,
        title=title,
        requirement=requirement or "",
        description=description or "",
        row_kind=row_kind,
        parameters=parameters,
        columns=columns,
        created_by=by,
    )


# --- adoption -----------------------------------------------------------------------------


def _adopt(
    *,
    school: School,
    regulation_version: RegulationVersion,
    period_scheme: PeriodScheme | None,
    overrides: dict[str, Any] | None,
    by: User | None,
    action: str | None,
) -> SchoolAdoption:
    if school.is_public:
        raise ApplicationError("Сайт муниципального оператора не принимает шаблоны.")
    if not regulation_version.is_published:
        raise ValidationError(
            {"regulation_version": ["Принять можно только опубликованную редакцию."]}
        )
    current = SchoolAdoption.objects.select_for_update().filter(school=school).first()
    if overrides is None:  # keep the school's own decisions when it moves to a new version
        overrides = dict(current.overrides) if current else {}
    overrides = validate_overrides(
        overrides, template_rules=regulation_version.rules, fixed=regulation_version.fixed
    )
    if period_scheme is None and current is not None:
        period_scheme = current.period_scheme
    previous = current.regulation_version if current else None
    if action is None:
        action = (
            AdoptionRecord.Action.ROLL_FORWARD
            if previous is not None
            and previous.template_id == regulation_version.template_id
            and previous.number < regulation_version.number
            else AdoptionRecord.Action.ADOPT
        )
    now = timezone.now()
    adoption, _ = SchoolAdoption.objects.update_or_create(
        school=school,
        defaults={
            "regulation_version": regulation_version,
            "period_scheme": period_scheme,
            "overrides": overrides,
            "adopted_at": now,
            "adopted_by": by,
        },
    )
    AdoptionRecord.objects.create(
        school=school,
        action=action,
        regulation_version=regulation_version,
        previous_version=previous,
        period_scheme=period_scheme,
        overrides=overrides,
        by=by,
    )
    schema = school.schema_name
    if current is None or (
        current.period_scheme_id != adoption.period_scheme_id
        or current.regulation_version_id != adoption.regulation_version_id
    ):
        school_adoption_changed.send(
            sender=SchoolAdoption, schema=schema, version_id=regulation_version.pk
        )
    transaction.on_commit(lambda: rules_cache_invalidate(schema_names=[schema]))
    return adoption


@transaction.atomic
def school_adopt(
    *,
    school: School,
    regulation_version: RegulationVersion,
    by: User | None,
    period_scheme: PeriodScheme | None = None,
    overrides: dict[str, Any] | None = None,
) -> SchoolAdoption:
    """Adopt a published regulation version (and a period scheme) for one school.

    `overrides` are the school's local rules; None keeps the ones it has. A rule the
    version marks as fixed may only be made stricter. The journal sees the new rules
    once the transaction commits (the cached rules are dropped then).
    """
    return _adopt(
        school=school,
        regulation_version=regulation_version,
        period_scheme=period_scheme,
        overrides=overrides,
        by=by,
        action=None,
    )


@transaction.atomic
def schools_adopt(
    *,
    schools: Iterable[School],
    regulation_version: RegulationVersion,
    by: User | None,
    period_scheme: PeriodScheme | None = None,
    overrides: dict[str, Any] | None = None,
) -> list[SchoolAdoption]:
    """Adopt for many schools at once: all of them or none (errors name each school)."""
    adopted: list[SchoolAdoption] = []
    errors: dict[str, list[str]] = {}
    for school in schools:
        try:
            with transaction.atomic():
                adopted.append(
                    _adopt(
                        school=school,
                        regulation_version=regulation_version,
                        period_scheme=period_scheme,
                        overrides=overrides,
                        by=by,
                        action=None,
                    )
                )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(f"schools.{school.slug}.{key}", []).extend(messages)
        except ApplicationError as exc:
            errors.setdefault(f"schools.{school.slug}", []).append(exc.message)
    if errors:
        raise ValidationError(errors)
    return adopted


def default_regulation_version() -> RegulationVersion | None:
    return (
        RegulationVersion.objects.filter(
            template__is_default=True, status=RegulationVersion.Status.PUBLISHED
        )
        .order_by("-number")
        .first()
    )


@transaction.atomic
def school_adopt_defaults(*, school: School, by: User | None = None) -> SchoolAdoption | None:
    """At onboarding: the operator's default regulation (latest published) and scheme."""
    version = default_regulation_version()
    if version is None:
        logger.warning("no default regulation published; %s keeps built-in rules", school.slug)
        return None
    return _adopt(
        school=school,
        regulation_version=version,
        period_scheme=PeriodScheme.objects.filter(is_default=True).first(),
        overrides={},
        by=by,
        action=AdoptionRecord.Action.ONBOARDING,
    )


def on_school_created(sender: Any, *, school: School, **kwargs: Any) -> None:
    """The receiver of `tenants.signals.school_created` (connected in apps.py)."""
    school_adopt_defaults(school=school)
