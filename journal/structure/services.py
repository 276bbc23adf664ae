"""Writes of the school's structure (SET-1..3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts import roles
from accounts.services import school_account_create, username_taken
from core.errors import ApplicationError
from journal.access import ROSTER_MANAGERS, STRUCTURE_MANAGERS, require_roles, scope_for
from journal.permissions import LEAD_CLASS_PERM, TEACH_ASSIGNMENT_PERM
from journal.structure.closing import year_must_be_open
from journal.structure.models import (
    AcademicYear,
    BellSlot,
    ClassGroup,
    ReportingPeriod,
    ScheduleBreak,
    SchoolOrder,
    StaffMember,
    Subgroup,
    SubgroupMember,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from journal.structure.signals import schedule_changed

CLASS_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
STAFF_ROLE_NAMES = (
    roles.DIRECTOR,
    roles.DEPUTY,
    roles.JOURNAL_ADMIN,
    roles.SECRETARY,
    roles.TEACHER,
)


@dataclass(frozen=True)
class PeriodSpec:
    kind: str
    number: int
    starts_on: dt.date
    ends_on: dt.date
    grade_from: int = 1
    grade_to: int = 11
    title: str = ""


def default_period_scheme(start_year: int) -> list[PeriodSpec]:
    """Quarters in grades 1–9, half-years in 10–11 (000 §3.7, 002 §4): typical dates.

    Only for a school that adopted no period scheme (the built-in default, like
    `catalog.rules.DEFAULT_RULES`); an adopted scheme's periods come from the operator's
    calendar (`adopted_period_specs`)."""
    y, n = start_year, start_year + 1
    quarters = [
        (dt.date(y, 9, 1), dt.date(y, 10, 25)),
        (dt.date(y, 11, 5), dt.date(y, 12, 28)),
        (dt.date(n, 1, 9), dt.date(n, 3, 22)),
        (dt.date(n, 4, 1), dt.date(n, 5, 26)),
    ]
    halves = [(dt.date(y, 9, 1), dt.date(y, 12, 28)), (dt.date(n, 1, 9), dt.date(n, 5, 26))]
    specs = [
        PeriodSpec("quarter", i + 1, a, b, 1, 9, f"{i + 1}-я четверть")
        for i, (a, b) in enumerate(quarters)
    ]
    specs += [
        PeriodSpec("half_year", i + 1, a, b, 10, 11, f"{i + 1}-е полугодие")
        for i, (a, b) in enumerate(halves)
    ]
    return specs


FIRST_PLAUSIBLE_YEAR = 2000
YEARS_AHEAD = 5
MAX_YEAR_DAYS = 397  # 13 months


def _academic_year_range_errors(starts_on: dt.date, ends_on: dt.date) -> dict[str, list[str]]:
    """A school year within a plausible range (issue #11): not in the year 0256, not in
    3000, not three years long."""
    errors: dict[str, list[str]] = {}
    latest = timezone.localdate().year + YEARS_AHEAD
    if not FIRST_PLAUSIBLE_YEAR <= starts_on.year <= latest:
        errors["starts_on"] = [
            f"Начало учебного года — между {FIRST_PLAUSIBLE_YEAR} и {latest} годом."
        ]
    if ends_on > starts_on and (ends_on - starts_on).days > MAX_YEAR_DAYS:
        errors["ends_on"] = ["Учебный год не может длиться дольше 13 месяцев."]
    return errors


@dataclass(frozen=True)
class HolidaySpec:
    title: str
    starts_on: dt.date
    ends_on: dt.date
    grade_from: int = 1
    grade_to: int = 11


def _clip(
    start: dt.date, end: dt.date, starts_on: dt.date, ends_on: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The part of [start, end] inside the school year, or None."""
    start, end = max(start, starts_on), min(end, ends_on)
    return (start, end) if start <= end else None


def adopted_period_specs(
    *, starts_on: dt.date, ends_on: dt.date
) -> tuple[list[PeriodSpec], list[HolidaySpec]] | None:
    """The periods per grade band and the holidays the adopted scheme (TPL-2) gives a year
    from `starts_on` to `ends_on`, from the operator's calendar of that academic year; the
    dates are kept inside the year (a year that starts on 2 September starts its first
    period then). Each band of the scheme gets its kind, e.g. trimesters in 1–9 and
    half-years in 10–11. None when the school adopted no
    scheme; a ValidationError when the scheme has no calendar at all. A year the operator has
    no calendar for yet takes the nearest calendar's dates moved to it (the school checks
    them, `reporting_period_update`)."""
    from catalog.selectors import adopted_regulation, school_period_plan

    adoption = adopted_regulation()
    if adoption is None or adoption.period_scheme_id is None:
        return None
    start_year = starts_on.year if starts_on.month >= 7 else starts_on.year - 1
    plan = school_period_plan(start_year=start_year)
    if plan is None:
        raise ValidationError(
            {
                "periods": [
                    f"У принятой схемы периодов нет ни одного календаря муниципального "
                    f"оператора (нужен учебный год {start_year}/{start_year + 1}): схема "
                    f"«{adoption.period_scheme.title}». Укажите периоды вручную или обратитесь "
                    "к оператору."
                ]
            }
        )
    periods: list[PeriodSpec] = []
    for band in plan.bands:
        number = 0
        for span in band.periods:
            clipped = _clip(span.start, span.end, starts_on, ends_on)
            if clipped is None:
                continue
            number += 1
            periods.append(
                PeriodSpec(
                    band.kind, number, *clipped, band.grades_from, band.grades_to, span.title
                )
            )
    holidays = []
    for holiday in plan.holidays:
        clipped = _clip(holiday.start, holiday.end, starts_on, ends_on)
        if clipped is not None:
            holidays.append(
                HolidaySpec(holiday.title, *clipped, holiday.grades_from, holiday.grades_to)
            )
    return periods, holidays


def _periods_create(year: AcademicYear, specs: Sequence[PeriodSpec]) -> None:
    kind_titles = dict(ReportingPeriod.Kind.choices)
    ReportingPeriod.objects.bulk_create(
        ReportingPeriod(
            year=year,
            kind=s.kind,
            number=s.number,
            title=s.title or f"{kind_titles.get(s.kind, s.kind)} {s.number}",
            grade_from=s.grade_from,
            grade_to=s.grade_to,
            starts_on=s.starts_on,
            ends_on=s.ends_on,
        )
        for s in specs
    )


def _holidays_create(year: AcademicYear, holidays: Sequence[HolidaySpec]) -> None:
    ScheduleBreak.objects.bulk_create(
        ScheduleBreak(
            year=year,
            kind=ScheduleBreak.Kind.HOLIDAY,
            title=h.title,
            starts_on=h.starts_on,
            ends_on=h.ends_on,
            grade_from=h.grade_from,
            grade_to=h.grade_to,
            from_calendar=True,
        )
        for h in holidays
    )


def _rules_version_id() -> int | None:
    from catalog.selectors import current_rules

    return current_rules().version_id


@transaction.atomic
def academic_year_create(
    *,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    days_per_week: int = 5,
    periods: Sequence[PeriodSpec] | None = None,
    make_current: bool = True,
    by: Any,
) -> AcademicYear:
    """A school year with its reporting periods (SET-1, TPL-2).

    Without `periods`, the adopted period scheme gives them per grade band, with the
    holidays of the operator's calendar (a school that adopted no scheme gets the built-in
    quarters and half-years). The year records the regulation version in force.
    """
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    errors: dict[str, list[str]] = {}
    if ends_on <= starts_on:
        errors["ends_on"] = ["Окончание учебного года должно быть позже начала."]
    errors.update(_academic_year_range_errors(starts_on, ends_on))
    if days_per_week not in (5, 6):
        errors["days_per_week"] = ["Режим работы: пятидневная или шестидневная неделя."]
    if AcademicYear.objects.filter(title=title).exists():
        errors["title"] = [f"Учебный год {title} уже создан."]
    if errors:
        raise ValidationError(errors)
    holidays: list[HolidaySpec] = []
    if periods is not None:
        specs = list(periods)
    else:
        adopted = adopted_period_specs(starts_on=starts_on, ends_on=ends_on)
        specs, holidays = adopted if adopted else (default_period_scheme(starts_on.year), [])
    for spec in specs:
        if spec.starts_on < starts_on or spec.ends_on > ends_on or spec.ends_on < spec.starts_on:
            errors.setdefault("periods", []).append(
                f"Период №{spec.number} ({spec.starts_on:%d.%m.%Y}–{spec.ends_on:%d.%m.%Y}) "
                "выходит за границы учебного года."
            )
    if errors:
        raise ValidationError(errors)
    if make_current:
        AcademicYear.objects.filter(is_current=True).update(is_current=False)
    year = AcademicYear.objects.create(
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        days_per_week=days_per_week,
        is_current=make_current,
        rules_version_id=_rules_version_id(),
    )
    _periods_create(year, specs)
    _holidays_create(year, holidays)
    return year


def year_periods_follow_adoption(
    *, year: AcademicYear, rules_version_id: int | None = None
) -> bool:
    """Derive again the periods and calendar holidays of a year that has not started from
    the scheme adopted now, and record the regulation version in force (TPL-2). The
    school's own breaks (quarantine, schedule changes) are kept. False (nothing changed)
    for a year that has started. Called by adoption; no role check (see the service)."""
    year = AcademicYear.objects.select_for_update().get(pk=year.pk)
    if year.starts_on <= timezone.localdate():
        return False
    adopted = adopted_period_specs(starts_on=year.starts_on, ends_on=year.ends_on)
    specs, holidays = adopted if adopted else (default_period_scheme(year.starts_on.year), [])
    try:
        with transaction.atomic():
            ReportingPeriod.objects.filter(year=year).delete()
    except ProtectedError:
        return False  # period marks were given in its periods: they keep their dates
    ScheduleBreak.objects.filter(year=year, from_calendar=True).delete()
    _periods_create(year, specs)
    _holidays_create(year, holidays)
    year.rules_version_id = rules_version_id or _rules_version_id()
    year.save(update_fields=["rules_version_id", "updated_at"])
    return True


@transaction.atomic
def academic_year_periods_rederive(*, year: AcademicYear, by: Any) -> AcademicYear:
    """The administration derives the periods of a year that has not started again from
    the adopted scheme (after the school adopted another one, TPL-2). A closed year is
    refused first (409), whatever its dates."""
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(year.pk)
    if year.starts_on <= timezone.localdate():
        raise ValidationError(
            {"year": [f"Учебный год {year.title} уже начался: его периоды меняются по датам."]}
        )
    year_periods_follow_adoption(year=year)
    year.refresh_from_db()
    return year


def years_follow_adoption(*, rules_version_id: int | None) -> int:
    """Every year of the current school that has not started follows the adoption just made
    (called by `catalog.services` in the school's schema, in the adoption's transaction:
    the cached rules are still the old ones, hence the version id). How many changed."""
    today = timezone.localdate()
    return sum(
        year_periods_follow_adoption(year=year, rules_version_id=rules_version_id)
        for year in AcademicYear.objects.filter(starts_on__gt=today).order_by("starts_on")
    )


@transaction.atomic
def bell_schedule_set(
    *, year: AcademicYear, slots: Sequence[tuple[int, dt.time, dt.time]], by: Any
) -> list[BellSlot]:
    """Replace the bell schedule (SET-1)."""
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(year.pk)
    problems = [f"Урок №{n}: окончание раньше начала." for n, a, b in slots if b <= a]
    if len({n for n, _, _ in slots}) != len(slots):
        problems.append("Номера уроков повторяются.")
    if problems:
        raise ValidationError({"slots": problems})
    BellSlot.objects.filter(year=year).delete()
    return BellSlot.objects.bulk_create(
        BellSlot(year=year, number=n, starts_at=a, ends_at=b) for n, a, b in slots
    )


@transaction.atomic
def schedule_break_create(
    *,
    year: AcademicYear,
    kind: str,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    class_group_ids: Sequence[int] = (),
    order: SchoolOrder | None = None,
    by: Any,
) -> ScheduleBreak:
    """Holidays, public holidays, quarantine: no lessons are generated on these days (SET-1),
    on the basis of the director's order in force (004 §6.6)."""
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(year.pk)
    errors: dict[str, list[str]] = {}
    if order is not None:
        if order.kind != SchoolOrder.Kind.SCHEDULE:
            errors["order_id"] = ["Изменение графика вносится по приказу об изменении графика."]
        elif order.cancelled_on is not None and order.cancelled_on <= starts_on:
            errors["order_id"] = [f"{order} утратил силу {order.cancelled_on:%d.%m.%Y}."]
        elif starts_on < order.in_force_from:
            errors["order_id"] = [
                f"{order} вступает в силу {order.in_force_from:%d.%m.%Y}: изменение не может "
                "начаться раньше."
            ]
    if ends_on < starts_on:
        errors["ends_on"] = ["Дата окончания раньше даты начала."]
    if starts_on < year.starts_on or ends_on > year.ends_on:
        errors["starts_on"] = ["Даты выходят за границы учебного года."]
    ids = sorted(set(class_group_ids))
    if ids and ClassGroup.objects.filter(year=year, id__in=ids).count() != len(ids):
        errors["class_group_ids"] = ["Указаны классы, которых нет в этом учебном году."]
    if errors:
        raise ValidationError(errors)
    created = ScheduleBreak.objects.create(
        year=year,
        kind=kind,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        class_group_ids=ids,
        order=order,
    )
    schedule_changed.send(sender=ScheduleBreak, breaks=[created], by=by)
    return created


# ---------------------------------------------------------------- the director's orders (TPL-6)

ORDER_RECORDERS = frozenset({roles.DIRECTOR, roles.JOURNAL_ADMIN})


def _order_errors(
    *, number: str, signed_on: dt.date, in_force_from: dt.date, title: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not number.strip():
        errors["number"] = ["Укажите номер приказа."]
    elif SchoolOrder.objects.filter(number=number.strip(), signed_on=signed_on).exists():
        errors["number"] = [f"Приказ № {number.strip()} от {signed_on:%d.%m.%Y} уже внесён."]
    if not title.strip():
        errors["title"] = ["Укажите заголовок приказа."]
    if signed_on > timezone.localdate():
        errors["signed_on"] = ["Дата приказа не может быть в будущем."]
    if in_force_from < signed_on:
        errors["in_force_from"] = ["Приказ не вступает в силу раньше, чем подписан."]
    return errors


def _cancel(old: SchoolOrder, *, by_order: SchoolOrder, on: dt.date) -> None:
    old.cancelled_on = on
    old.cancelled_by = by_order
    old.save(update_fields=["cancelled_on", "cancelled_by", "updated_at"])


@transaction.atomic
def regulation_order_record(
    *,
    regulation_version_id: int,
    number: str,
    signed_on: dt.date,
    in_force_from: dt.date | None = None,
    title: str = "Об утверждении положения об электронном журнале и электронном дневнике",
    by: Any,
) -> SchoolOrder:
    """The director's order that puts a published regulation version in force in this
    school (TPL-6: 000 §5.1, 003 §4.6.1). The school adopts the version (its own rules and
    period scheme are kept) and the order in force before it loses force the day the new
    one comes into force (000 §5.4), both with their dates kept. The regulation applies at
    once, so an order is recorded on or after the day it comes into force."""
    from catalog.models import RegulationVersion
    from catalog.services import school_adopt
    from core.tenancy import db
    from tenants.models import School

    require_roles(scope_for(by), ORDER_RECORDERS, "Приказ вносит директор или администратор ЭЖ.")
    starts = in_force_from or signed_on
    errors = _order_errors(number=number, signed_on=signed_on, in_force_from=starts, title=title)
    if starts > timezone.localdate():
        errors.setdefault("in_force_from", []).append(
            "Положение применяется сразу: внесите приказ в день вступления его в силу."
        )
    version = RegulationVersion.objects.filter(
        pk=regulation_version_id, status=RegulationVersion.Status.PUBLISHED
    ).first()
    if version is None:
        errors["regulation_version_id"] = ["Нет такой опубликованной редакции положения."]
    current = (
        SchoolOrder.objects.select_for_update()
        .filter(kind=SchoolOrder.Kind.REGULATION, cancelled_on__isnull=True)
        .first()
    )
    if current is not None and starts < current.in_force_from:
        errors.setdefault("in_force_from", []).append(
            f"Новая редакция не вступает в силу раньше действующей ({current}, с "
            f"{current.in_force_from:%d.%m.%Y})."
        )
    if errors:
        raise ValidationError(errors)
    assert version is not None
    if current is not None:  # free the "one in force" slot first, then point at the new one
        SchoolOrder.objects.filter(pk=current.pk).update(cancelled_on=starts)
    order = SchoolOrder.objects.create(
        kind=SchoolOrder.Kind.REGULATION,
        number=number.strip(),
        signed_on=signed_on,
        title=title.strip(),
        in_force_from=starts,
        regulation_version_id=version.pk,
        recorded_by=by,
    )
    if current is not None:
        _cancel(current, by_order=order, on=starts)
    school_adopt(
        school=School.objects.get(schema_name=db.schema_name), regulation_version=version, by=None
    )
    return order


@transaction.atomic
def schedule_order_record(
    *,
    number: str,
    signed_on: dt.date,
    title: str,
    in_force_from: dt.date | None = None,
    replaces: SchoolOrder | None = None,
    by: Any,
) -> SchoolOrder:
    """The director's order changing the schedule (quarantine, moved holidays: 004 §6.6),
    the basis of the schedule changes recorded with it. A new edition (`replaces`) cancels
    the old order from the day it comes into force: the old order's changes end the day
    before (those not begun by then are removed); both orders keep their dates."""
    require_roles(scope_for(by), ORDER_RECORDERS, "Приказ вносит директор или администратор ЭЖ.")
    starts = in_force_from or signed_on
    errors = _order_errors(number=number, signed_on=signed_on, in_force_from=starts, title=title)
    if replaces is not None:
        replaces = SchoolOrder.objects.select_for_update().get(pk=replaces.pk)
        if replaces.kind != SchoolOrder.Kind.SCHEDULE:
            errors["replaces_id"] = ["Заменить можно только приказ об изменении графика."]
        elif replaces.cancelled_on is not None:
            errors["replaces_id"] = [
                f"{replaces} уже утратил силу {replaces.cancelled_on:%d.%m.%Y}."
            ]
        elif starts < replaces.in_force_from:
            errors["in_force_from"] = [
                f"Новая редакция не вступает в силу раньше заменяемой ({replaces})."
            ]
    if errors:
        raise ValidationError(errors)
    order = SchoolOrder.objects.create(
        kind=SchoolOrder.Kind.SCHEDULE,
        number=number.strip(),
        signed_on=signed_on,
        title=title.strip(),
        in_force_from=starts,
        recorded_by=by,
    )
    if replaces is not None:
        _cancel(replaces, by_order=order, on=starts)
        ScheduleBreak.objects.filter(order=replaces, starts_on__gte=starts).delete()
        cut = ScheduleBreak.objects.filter(order=replaces, ends_on__gte=starts)
        cut_ids = list(cut.values_list("id", flat=True))
        cut.update(ends_on=starts - dt.timedelta(days=1))
        if cut_ids:
            changed = list(ScheduleBreak.objects.filter(id__in=cut_ids))
            schedule_changed.send(sender=ScheduleBreak, breaks=changed, by=by)
    return order


@transaction.atomic
def staff_member_create(
    *,
    username: str,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    email: str = "",
    role_names: Sequence[str] = (roles.TEACHER,),
    position: str = "",
    by: Any,
) -> StaffMember:
    """A member of staff with a user account and roles (SET-3). Password set separately."""
    scope = scope_for(by)
    require_roles(scope, ROSTER_MANAGERS)
    errors: dict[str, list[str]] = {}
    if not username or username_taken(username):
        errors["username"] = ["Такое имя пользователя уже занято или не указано."]
    if not last_name.strip() or not first_name.strip():
        errors["last_name"] = ["Укажите фамилию и имя."]
    bad = [r for r in role_names if r not in STAFF_ROLE_NAMES]
    if bad or not role_names:
        errors["roles"] = [
            "Роли сотрудника: директор, заместитель, администратор ЭЖ, секретарь, учитель."
        ]
    elif roles.DIRECTOR in role_names and not scope.has(roles.DIRECTOR, roles.JOURNAL_ADMIN):
        errors["roles"] = ["Назначить директора может только директор или администратор ЭЖ."]
    if errors:
        raise ValidationError(errors)
    user = school_account_create(
        last_name=last_name,
        first_name=first_name,
        patronymic=patronymic,
        email=email,
        username=username,
        role_names=role_names,
    )
    return StaffMember.objects.create(user=user, position=position)


@transaction.atomic
def subject_create(
    *, title: str, short_title: str = "", is_physical_education: bool = False, by: Any
) -> Subject:
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    title = title.strip()
    if not title:
        raise ValidationError({"title": ["Укажите название предмета."]})
    if Subject.objects.filter(title__iexact=title).exists():
        raise ValidationError({"title": [f"Предмет «{title}» уже есть."]})
    return Subject.objects.create(
        title=title, short_title=short_title, is_physical_education=is_physical_education
    )


def _grant_class_teacher(class_group: ClassGroup, teacher: StaffMember | None) -> None:
    if teacher is not None:
        assign_perm(LEAD_CLASS_PERM, teacher.user, class_group)


@transaction.atomic
def class_group_create(
    *,
    year: AcademicYear,
    grade: int,
    letter: str,
    class_teacher: StaffMember | None = None,
    by: Any,
) -> ClassGroup:
    """A class (5А) with its class teacher, who gets the class's object right (SET-2)."""
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(year.pk)
    letter = letter.strip().upper()
    errors: dict[str, list[str]] = {}
    if not 1 <= grade <= 11:
        errors["grade"] = ["Параллель — число от 1 до 11."]
    if not letter or any(c not in CLASS_LETTERS for c in letter):
        errors["letter"] = ["Литера класса — заглавная русская буква (А, Б, В…)."]
    elif ClassGroup.objects.filter(year=year, grade=grade, letter=letter).exists():
        errors["letter"] = [f"Класс {grade}{letter} уже есть в этом учебном году."]
    if errors:
        raise ValidationError(errors)
    group = ClassGroup.objects.create(
        year=year, grade=grade, letter=letter, class_teacher=class_teacher
    )
    _grant_class_teacher(group, class_teacher)
    return group


@transaction.atomic
def class_teacher_set(
    *, class_group: ClassGroup, teacher: StaffMember | None, by: Any
) -> ClassGroup:
    """Change the class teacher; the object right moves with the role."""
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(class_group.year_id)
    if class_group.class_teacher_id:
        old = StaffMember.objects.select_related("user").get(pk=class_group.class_teacher_id)
        remove_perm(LEAD_CLASS_PERM, old.user, class_group)
    class_group.class_teacher = teacher
    class_group.save(update_fields=["class_teacher", "updated_at"])
    _grant_class_teacher(class_group, teacher)
    return class_group


@transaction.atomic
def subgroup_create(*, class_group: ClassGroup, subject: Subject, title: str, by: Any) -> Subgroup:
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(class_group.year_id)
    if not title.strip():
        raise ValidationError({"title": ["Укажите название подгруппы."]})
    if Subgroup.objects.filter(class_group=class_group, subject=subject, title=title).exists():
        raise ValidationError({"title": ["Такая подгруппа уже есть."]})
    return Subgroup.objects.create(class_group=class_group, subject=subject, title=title.strip())


@transaction.atomic
def subgroups_split(
    *, class_group: ClassGroup, subject: Subject, members: Mapping[int, Sequence[int]], by: Any
) -> dict[int, int]:
    """Split a subject of a class into its subgroups: every pupil of the class is in exactly
    one subgroup (SET-2). `members` maps each subgroup id to its pupils' ids.

    All subgroups of the subject must be given, every pupil now in the class must appear
    exactly once, and nobody from outside the class. All or nothing.
    """
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(class_group.year_id)
    subgroups = {g.pk: g for g in Subgroup.objects.filter(class_group=class_group, subject=subject)}
    errors: dict[str, list[str]] = {}
    if len(subgroups) < 2:
        errors["subgroups"] = [
            f"Для деления на подгруппы нужно не меньше двух подгрупп по предмету «{subject}» "
            f"в классе {class_group}."
        ]
    elif set(members) != set(subgroups):
        errors["subgroups"] = ["Укажите состав каждой подгруппы этого класса по этому предмету."]
    class_pupils = set(class_group.pupils.values_list("id", flat=True))
    seen: dict[int, int] = {}
    twice: set[int] = set()
    strangers: set[int] = set()
    for subgroup_id, pupil_ids in members.items():
        for pid in pupil_ids:
            if pid not in class_pupils:
                strangers.add(pid)
            elif pid in seen:
                twice.add(pid)
            seen[pid] = subgroup_id
    missing = class_pupils - set(seen)
    problems: list[str] = []
    if strangers:
        problems.append("В подгруппы можно включить только учеников класса.")
    if twice:
        problems.append(f"Ученик не может быть в двух подгруппах сразу ({len(twice)} чел.).")
    if missing:
        problems.append(
            f"Каждый ученик класса должен быть ровно в одной подгруппе: не распределено "
            f"{len(missing)} чел."
        )
    if problems:
        errors["pupil_ids"] = problems
    if errors:
        raise ValidationError(errors)
    SubgroupMember.objects.filter(class_group=class_group, subject=subject).delete()
    SubgroupMember.objects.bulk_create(
        SubgroupMember(
            subgroup_id=subgroup_id,
            pupil_id=pid,
            class_group_id=class_group.pk,
            subject_id=subject.pk,
        )
        for pid, subgroup_id in seen.items()
    )
    return {gid: len(list(ids)) for gid, ids in members.items()}


@transaction.atomic
def teaching_assignment_create(
    *,
    teacher: StaffMember,
    subject: Subject,
    class_group: ClassGroup,
    weekly_hours: Decimal,
    subgroup: Subgroup | None = None,
    by: Any,
) -> TeachingAssignment:
    """Нагрузка; the teacher gets the assignment's object right (SET-3, ROLE-1)."""
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(class_group.year_id)
    errors: dict[str, list[str]] = {}
    if weekly_hours <= 0 or weekly_hours > 12:
        errors["weekly_hours"] = ["Часов в неделю: больше 0 и не больше 12."]
    if subgroup is not None and (
        subgroup.class_group_id != class_group.pk or subgroup.subject_id != subject.pk
    ):
        errors["subgroup"] = ["Подгруппа должна относиться к этому классу и предмету."]
    dupe = TeachingAssignment.objects.filter(class_group=class_group, subject=subject)
    dupe = dupe.filter(subgroup=subgroup) if subgroup else dupe.filter(subgroup__isnull=True)
    if dupe.exists():
        errors["subject"] = ["Этот предмет в этом классе (подгруппе) уже закреплён за учителем."]
    if not teacher.user.groups.filter(name=roles.TEACHER).exists():
        errors["teacher"] = ["Нагрузку можно дать только сотруднику с ролью «Учитель»."]
    if errors:
        raise ValidationError(errors)
    assignment = TeachingAssignment.objects.create(
        year_id=class_group.year_id,
        teacher=teacher,
        subject=subject,
        class_group=class_group,
        subgroup=subgroup,
        weekly_hours=weekly_hours,
    )
    assign_perm(TEACH_ASSIGNMENT_PERM, teacher.user, assignment)
    return assignment


WEEKDAYS = ["", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"]


@transaction.atomic
def timetable_entry_create(
    *, assignment: TeachingAssignment, weekday: int, slot: int, room: str = "", by: Any
) -> TimetableEntry:
    """One weekly slot; a teacher, a room or a class booked twice is refused (SET-3)."""
    require_roles(scope_for(by), STRUCTURE_MANAGERS)
    year_must_be_open(assignment.year_id)
    year = assignment.year
    errors: dict[str, list[str]] = {}
    if not 1 <= weekday <= year.days_per_week:
        errors["weekday"] = [f"День недели — от 1 до {year.days_per_week} (режим работы школы)."]
    if not BellSlot.objects.filter(year=year, number=slot).exists():
        errors["slot"] = [f"Урока №{slot} нет в расписании звонков."]
    if errors:
        raise ValidationError(errors)
    when = f"{WEEKDAYS[weekday]}, урок №{slot}"
    same_time = TimetableEntry.objects.filter(year=year, weekday=weekday, slot=slot)
    clash = same_time.filter(teacher_id=assignment.teacher_id).select_related("class_group").first()
    if clash:
        errors["weekday"] = [f"Накладка: у учителя в {when} уже урок в {clash.class_group}."]
    room = room.strip()
    if room:
        clash = same_time.filter(room=room).select_related("class_group").first()
        if clash:
            errors.setdefault("room", []).append(
                f"Накладка: кабинет {room} в {when} уже занят ({clash.class_group})."
            )
    class_clash = same_time.filter(class_group_id=assignment.class_group_id)
    if assignment.subgroup_id:
        class_clash = class_clash.filter(
            Q(subgroup__isnull=True) | Q(subgroup_id=assignment.subgroup_id)
        )
    if class_clash.exists():
        errors.setdefault("slot", []).append(
            f"Накладка: у класса {assignment.class_group} в {when} уже стоит урок."
        )
    if errors:
        raise ApplicationError("Накладка в расписании.", field_errors=errors)
    return TimetableEntry.objects.create(
        year=year,
        assignment=assignment,
        teacher_id=assignment.teacher_id,
        class_group_id=assignment.class_group_id,
        subgroup_id=assignment.subgroup_id,
        weekday=weekday,
        slot=slot,
        room=room,
    )


# ---------------------------------------------------------------- staff deactivation (SET-3)


def _staff_locked(staff_member: StaffMember) -> StaffMember:
    return StaffMember.objects.select_for_update().select_related("user").get(pk=staff_member.pk)


def _director_rule(scope: Any, member: StaffMember) -> None:
    """As when appointing one: only a director or the journal administrator acts on a director."""
    if member.user.groups.filter(name=roles.DIRECTOR).exists() and not scope.has(
        roles.DIRECTOR, roles.JOURNAL_ADMIN
    ):
        raise ValidationError(
            {
                "staff": [
                    "Отключить или вернуть директора может только директор или администратор ЭЖ."
                ]
            }
        )


@transaction.atomic
def staff_member_deactivate(*, staff_member: StaffMember, by: Any) -> StaffMember:
    """The member of staff no longer works here (SET-3): the card and the account become
    inactive, so they cannot sign in and a running session ends; lessons, marks, classes and
    every record they made stay. Refused for oneself and for the last working director."""
    scope = scope_for(by)
    require_roles(scope, ROSTER_MANAGERS)
    member = _staff_locked(staff_member)
    _director_rule(scope, member)
    if member.user_id == getattr(by, "pk", None):
        raise ValidationError({"staff": ["Нельзя отключить собственную учётную запись."]})
    if not member.is_active:
        raise ValidationError({"staff": [f"Сотрудник {member} уже отключён."]})
    if member.user.groups.filter(name=roles.DIRECTOR).exists():
        # Lock every director's card so two simultaneous requests cannot remove the last two.
        directors = list(
            StaffMember.objects.select_for_update(of=("self",))
            .filter(user__groups__name=roles.DIRECTOR, is_active=True, user__is_active=True)
            .values_list("pk", flat=True)
        )
        if not set(directors) - {member.pk}:
            raise ValidationError(
                {"staff": ["Нельзя отключить последнего работающего директора школы."]}
            )
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    return member


@transaction.atomic
def staff_member_reactivate(*, staff_member: StaffMember, by: Any) -> StaffMember:
    """Return a member of staff to work (SET-3): the card and the account are active again."""
    scope = scope_for(by)
    require_roles(scope, ROSTER_MANAGERS)
    member = _staff_locked(staff_member)
    _director_rule(scope, member)
    if member.is_active and member.user.is_active:
        raise ValidationError({"staff": [f"Сотрудник {member} уже работает."]})
    member.is_active = True
    member.save(update_fields=["is_active", "updated_at"])
    member.user.is_active = True
    member.user.save(update_fields=["is_active"])
    return member
