"""Onboarding and lifecycle of schools (TEN-2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from accounts import roles
from accounts.services import password_issue, school_account_create
from core.errors import ApplicationError
from core.tenancy import db
from tenants.cloning import clone_schema
from tenants.models import SLUG_RE, Domain, School
from tenants.selectors import school_cache_invalidate
from tenants.signals import school_created

RESERVED_SLUGS = frozenset(
    {
        "www",
        "api",
        "admin",
        "public",
        "static",
        "media",
        "mail",
        "smtp",
        "sso",
        "auth",
        "esia",
        "operator",
        "department",
        "status",
        "help",
        "docs",
        "school-template",
        "information-schema",
    }
)
INN_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)


@dataclass(frozen=True)
class SchoolCreated:
    school: School
    domain: str
    admin_username: str
    admin_password: str  # shown once, never stored in clear


def schema_name_for(slug: str) -> str:
    return slug.replace("-", "_")


def inn_is_valid(inn: str) -> bool:
    """A legal entity's INN: 10 digits with the check digit of the tax service's algorithm."""
    if len(inn) != 10 or not inn.isdigit():
        return False
    digits = [int(c) for c in inn]
    check = sum(w * d for w, d in zip(INN_WEIGHTS_10, digits, strict=False)) % 11 % 10
    return check == digits[9]


def _validate(
    *, slug: str, name: str, short_name: str, municipality_code: str, inn: str, admin_email: str
) -> None:
    errors: dict[str, list[str]] = {}
    if not re.fullmatch(SLUG_RE, slug or ""):
        errors["slug"] = [
            "Адрес школы: от 3 до 32 строчных латинских букв, цифр и дефисов; "
            "начинается с буквы, не кончается дефисом."
        ]
    elif slug in RESERVED_SLUGS or slug.startswith("pg-"):
        errors["slug"] = ["Этот адрес зарезервирован, выберите другой."]
    elif School.objects.filter(slug=slug).exists() or schema_exists(schema_name_for(slug)):
        errors["slug"] = ["Школа с таким адресом уже есть."]
    if not (name or "").strip():
        errors["name"] = ["Укажите полное наименование школы."]
    if not (short_name or "").strip():
        errors["short_name"] = ["Укажите краткое наименование школы."]
    if municipality_code and not (
        municipality_code.isdigit() and len(municipality_code) in (8, 11)
    ):
        errors["municipality_code"] = ["Код ОКТМО состоит из 8 или 11 цифр."]
    if not inn:
        errors["inn"] = ["Укажите ИНН школы."]
    elif not inn_is_valid(inn):
        errors["inn"] = ["ИНН юридического лица: 10 цифр с верной контрольной цифрой."]
    elif School.objects.filter(inn=inn).exists():
        errors["inn"] = ["Школа с таким ИНН уже зарегистрирована."]
    if not admin_email or "@" not in admin_email:
        errors["admin_email"] = ["Укажите адрес электронной почты администратора."]
    if errors:
        raise ValidationError(errors)


@cache
def _tenant_migrations() -> frozenset[tuple[str, str]]:
    """Every migration the tenant apps have on disk (computed once per process)."""
    from django_tenants.utils import app_labels

    tenant_labels = set(app_labels(settings.TENANT_APPS))
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(key for key in loader.disk_migrations if key[0] in tenant_labels)


def base_schema_is_current() -> bool:
    """The clone source exists and has every tenant migration applied."""
    base = settings.TENANT_BASE_SCHEMA
    if not schema_exists(base):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{base}".django_migrations')  # noqa: S608
        applied = set(cursor.fetchall())
    return _tenant_migrations() <= applied


def _create_first_admin(
    *, email: str, last_name: str, first_name: str, patronymic: str
) -> tuple[str, str]:
    user = school_account_create(
        username="admin",
        email=email,
        last_name=last_name,
        first_name=first_name,
        patronymic=patronymic,
        role_names=[roles.DIRECTOR, roles.JOURNAL_ADMIN],
    )
    return user.username, password_issue(user=user)


@transaction.atomic
def school_create(
    *,
    slug: str,
    name: str,
    short_name: str,
    inn: str,
    admin_email: str,
    municipality_code: str = "",
    admin_last_name: str = "",
    admin_first_name: str = "",
    admin_patronymic: str = "",
) -> SchoolCreated:
    """Onboard a school in one step: row, schema (cloned from the base), host, first admin.

    All of it commits together or not at all: PostgreSQL DDL is transactional, so a
    failure at any point leaves no schema, no domain and no user behind.
    """
    if db.schema_name != get_public_schema_name():
        raise ApplicationError("Школы создаются только с сайта муниципального оператора.")
    slug = (slug or "").strip().lower()
    _validate(
        slug=slug,
        name=name,
        short_name=short_name,
        municipality_code=municipality_code,
        inn=inn,
        admin_email=admin_email,
    )
    if not base_schema_is_current():
        raise ApplicationError(
            "Базовая схема школы не готова: выполните `python platform/manage.py platform_migrate`."
        )

    school = School(
        slug=slug,
        schema_name=schema_name_for(slug),
        name=name.strip(),
        short_name=short_name.strip(),
        municipality_code=municipality_code,
        inn=inn,
        status=School.Status.ACTIVE,
    )
    school.full_clean()
    school.save()
    clone_schema(settings.TENANT_BASE_SCHEMA, school.schema_name)
    hostname = f"{slug}.{settings.PLATFORM_DOMAIN}"
    Domain.objects.create(domain=hostname, tenant=school, is_primary=True)
    with schema_context(school.schema_name):
        username, password = _create_first_admin(
            email=admin_email,
            last_name=admin_last_name,
            first_name=admin_first_name,
            patronymic=admin_patronymic,
        )
    school_created.send(sender=School, school=school)  # catalog adopts the defaults (TPL)
    transaction.on_commit(lambda: school_cache_invalidate(hostnames=[hostname]))
    return SchoolCreated(
        school=school, domain=hostname, admin_username=username, admin_password=password
    )


def _set_status(school: School, status: str) -> School:
    school.status = status
    school.status_changed_at = timezone.now()
    with schema_context(get_public_schema_name()):
        school.save(update_fields=["status", "status_changed_at", "updated_at"])
        hostnames = list(school.domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: school_cache_invalidate(hostnames=hostnames))
    return school


@transaction.atomic
def school_suspend(*, school: School) -> School:
    """Close the school's hosts (503); its schema and data stay as they are."""
    if school.is_public:
        raise ApplicationError("Сайт муниципального оператора нельзя приостановить.")
    if school.status == School.Status.ARCHIVED:
        raise ApplicationError("Школа в архиве: её нельзя приостановить.")
    return _set_status(school, School.Status.SUSPENDED)


@transaction.atomic
def school_resume(*, school: School) -> School:
    """Open a suspended school's hosts again."""
    if school.status != School.Status.SUSPENDED:
        raise ApplicationError("Возобновить можно только приостановленную школу.")
    return _set_status(school, School.Status.ACTIVE)


@transaction.atomic
def school_archive(*, school: School) -> School:
    """Close a school for good; its schema is kept for the retention period (ARC-2)."""
    if school.is_public:
        raise ApplicationError("Сайт муниципального оператора нельзя отправить в архив.")
    return _set_status(school, School.Status.ARCHIVED)


@transaction.atomic
def public_site_ensure(*, domain: str) -> School:
    """The public tenant (operator and department site) on `domain`; idempotent."""
    public = get_public_schema_name()
    school, _ = School.objects.get_or_create(
        schema_name=public,
        defaults={"slug": "public", "name": "Муниципальный оператор", "short_name": "Оператор"},
    )
    Domain.objects.get_or_create(domain=domain, defaults={"tenant": school, "is_primary": True})
    transaction.on_commit(lambda: school_cache_invalidate(hostnames=[domain]))
    return school
