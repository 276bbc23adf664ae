"""The checks behind FREE-1: each returns findings, each finding says what to change.

Four kinds of check, all pure functions of what they are given (settings, installed
distributions, models), so tests can plant a violation without touching the real project:

- integrations: every configured outbound integration is known and free;
- outbound hosts: every host the platform connects to is on OUTBOUND_HOST_ALLOWLIST;
- licences: every installed distribution has an approved free licence;
- paywall names: no model, field, setting or app introduces prices, plans, subscriptions.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

from billing_free_check.registry import BY_CODE, integration_for_host


@dataclass(frozen=True)
class Finding:
    code: str  # stable id, e.g. "E001"
    kind: str  # paid_integration / unknown_integration / outbound_host / licence / paywall
    subject: str  # what is wrong: a setting, a distribution, a model field
    message: str  # what is wrong, for a person
    fix: str  # what to change

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


# --- configured integrations and outbound hosts -------------------------------------------


@dataclass(frozen=True)
class Configured:
    name: str  # where it is configured, e.g. "EMAIL_HOST" or "INTEGRATIONS['sso']"
    provider: str  # a registry code
    host: str | None  # None for a Unix socket or a local file


def _host_of(value: str) -> str | None:
    """The host of a URL or a bare host name; None for a socket path or nothing."""
    value = (value or "").strip()
    if not value or value.startswith("/"):
        return None
    parts = urlsplit(value if "://" in value else f"//{value}")
    host = parts.hostname
    if host and host.startswith("%2f"):  # a percent-encoded socket directory
        return None
    return host.lower() if host else None


def configured_integrations(settings: Any) -> list[Configured]:
    """What the settings connect to, each resolved to a provider of the registry.

    Derived from the real settings (mail, Sentry, database, cache, broker, S3-compatible
    storages: an endpoint of a known paid provider, or none = Amazon S3) plus the
    explicit `INTEGRATIONS` declarations: {"name": {"provider": code, "url": ...}}.
    """
    found: list[Configured] = []

    def add(name: str, value: str | None, default_provider: str) -> None:
        host = _host_of(value or "")
        known = integration_for_host(host) if host else None
        found.append(Configured(name, known.code if known else default_provider, host))

    backend = getattr(settings, "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    if backend.endswith("smtp.EmailBackend") and getattr(settings, "EMAIL_HOST", ""):
        add("EMAIL_HOST", settings.EMAIL_HOST, "smtp-relay")
    if getattr(settings, "SENTRY_DSN", None):
        add("SENTRY_DSN", settings.SENTRY_DSN, "sentry-self-hosted")
    for alias, database in getattr(settings, "DATABASES", {}).items():
        add(f"DATABASES['{alias}']", database.get("HOST", ""), "postgresql")
    for alias, cache in getattr(settings, "CACHES", {}).items():
        location = cache.get("LOCATION", "")
        if str(cache.get("BACKEND", "")).endswith(("RedisCache", "redis.cache.RedisCache")):
            for loc in location if isinstance(location, list | tuple) else [location]:
                add(f"CACHES['{alias}']", str(loc), "redis")
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        value = getattr(settings, name, None)
        if value and str(value).startswith(("redis://", "rediss://")):
            add(name, str(value), "redis")
    for alias, spec in (getattr(settings, "STORAGES", None) or {}).items():
        backend = str(spec.get("BACKEND", ""))
        if backend.endswith(("S3Storage", "S3Boto3Storage", "S3ManifestStaticStorage")):
            # Without an endpoint boto3 talks to Amazon S3 itself.
            options = spec.get("OPTIONS") or {}
            endpoint = options.get("endpoint_url") or getattr(settings, "AWS_S3_ENDPOINT_URL", "")
            add(f"STORAGES['{alias}']", str(endpoint or "https://s3.amazonaws.com"), "minio")
    for name, spec in (getattr(settings, "INTEGRATIONS", None) or {}).items():
        provider = str(spec.get("provider", ""))
        url = str(spec.get("url") or spec.get("host") or "")
        host = _host_of(url)
        known = integration_for_host(host) if host else None
        # A host that belongs to a paid provider wins over what the declaration says.
        if known is not None and known.paid:
            provider = known.code
        found.append(Configured(f"INTEGRATIONS['{name}']", provider, host))
    return found


def _is_local(host: str) -> bool:
    if host in {"localhost", "localhost.localdomain"} or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_allowed(host: str, allowlist: Iterable[str]) -> bool:
    """Loopback, or a host matching the allow-list (".example.ru" = it and subdomains)."""
    if _is_local(host):
        return True
    for pattern in allowlist:
        pattern = pattern.lower().strip()
        if not pattern:
            continue
        if pattern.startswith("."):
            if host == pattern[1:] or host.endswith(pattern):
                return True
        elif fnmatch.fnmatchcase(host, pattern):
            return True
    return False


def check_integrations(settings: Any) -> list[Finding]:
    findings: list[Finding] = []
    allowlist = list(getattr(settings, "OUTBOUND_HOST_ALLOWLIST", []) or [])
    for item in configured_integrations(settings):
        integration = BY_CODE.get(item.provider)
        if integration is None:
            findings.append(
                Finding(
                    "E002",
                    "unknown_integration",
                    item.name,
                    f"{item.name}: неизвестная интеграция «{item.provider or '?'}» — нельзя "
                    "убедиться, что она бесплатна.",
                    "Use a provider listed in billing_free_check/registry.py, or add it there "
                    "with paid=False after checking that it charges nothing.",
                )
            )
            continue
        if integration.paid:
            findings.append(
                Finding(
                    "E001",
                    "paid_integration",
                    item.name,
                    f"{item.name}: платный сервис «{integration.title}» (004 §4.8 запрещает "
                    "платные сервисы в журнале).",
                    integration.note or "Replace it with a free, self-hosted service.",
                )
            )
            continue
        if item.host and not host_allowed(item.host, allowlist):
            findings.append(
                Finding(
                    "E003",
                    "outbound_host",
                    item.name,
                    f"{item.name}: адрес {item.host} не входит в список разрешённых "
                    "(OUTBOUND_HOST_ALLOWLIST).",
                    f"If {item.host} is the operator's own free service, add it to "
                    "OUTBOUND_HOST_ALLOWLIST; otherwise remove the setting.",
                )
            )
    return findings


# --- licences -----------------------------------------------------------------------------

LICENCE_ALIASES = {
    "mit": "MIT",
    "mit license": "MIT",
    "the mit license": "MIT",
    "expat": "MIT",
    "bsd": "BSD",
    "bsd license": "BSD",
    "new bsd": "BSD-3-Clause",
    "new bsd license": "BSD-3-Clause",
    "modified bsd": "BSD-3-Clause",
    "bsd 3-clause": "BSD-3-Clause",
    "3-clause bsd": "BSD-3-Clause",
    "bsd-3": "BSD-3-Clause",
    "simplified bsd": "BSD-2-Clause",
    "bsd 2-clause": "BSD-2-Clause",
    "apache": "Apache-2.0",
    "apache 2": "Apache-2.0",
    "apache 2.0": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache license, version 2.0": "Apache-2.0",
    "apache software license": "Apache-2.0",
    "apache software license 2.0": "Apache-2.0",
    "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
    "mpl 2.0": "MPL-2.0",
    "python software foundation license": "PSF-2.0",
    "psf": "PSF-2.0",
    "isc": "ISC",
    "isc license (iscl)": "ISC",
    "the unlicense (unlicense)": "Unlicense",
    "public domain": "Unlicense",
    "gnu lesser general public license v3 (lgplv3)": "LGPL-3.0",
    "gnu lesser general public license v2 (lgplv2)": "LGPL-2.0",
    "gnu library or lesser general public license (lgpl)": "LGPL-2.1",
    "gnu general public license v3 (gplv3)": "GPL-3.0",
    "gnu general public license v2 (gplv2)": "GPL-2.0",
    "gnu affero general public license v3": "AGPL-3.0",
    "gnu affero general public license v3 or later (agplv3+)": "AGPL-3.0-or-later",
    "postgresql license": "PostgreSQL",
    "zope public license": "ZPL-2.1",
    "other/proprietary license": "LicenseRef-Proprietary",
    "proprietary": "LicenseRef-Proprietary",
    "commercial": "LicenseRef-Proprietary",
}
_SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
_SPLIT = re.compile(r"(\(|\)|\s+(?:OR|AND|WITH)\s+)", re.IGNORECASE)


def _normalise_id(raw: str) -> str | None:
    raw = raw.strip()
    alias = LICENCE_ALIASES.get(raw.lower())
    if alias:
        return alias
    return raw if _SPDX_ID.match(raw) else None


def _tokens(expression: str) -> list[str] | None:
    tokens: list[str] = []
    for part in _SPLIT.split(expression.strip()):
        token = part.strip()
        if not token:
            continue
        if token.upper() in {"OR", "AND", "WITH"}:
            tokens.append(token.upper())
        elif token in {"(", ")"}:
            tokens.append(token)
        else:
            normal = _normalise_id(token)
            if normal is None:
                return None
            tokens.append(normal)
    return tokens or None


def licence_allowed(expression: str, approved: Iterable[str]) -> bool | None:
    """True/False for an SPDX expression (OR: any side, AND: both); None if unreadable."""
    tokens = _tokens(expression)
    if tokens is None:
        return None
    patterns = list(approved)
    pos = 0

    def ok_id(spdx: str) -> bool:
        base = re.sub(r"(-or-later|-only|\+)$", "", spdx)
        return any(fnmatch.fnmatchcase(x, p) for p in patterns for x in (spdx, base))

    def factor() -> bool:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError("unexpected end")
        token = tokens[pos]
        pos += 1
        if token == "(":  # noqa: S105 - a parenthesis, not a password
            value = expr()
            if pos >= len(tokens) or tokens[pos] != ")":
                raise ValueError("missing )")
            pos += 1
            return value
        if token in {"OR", "AND", "WITH", ")"}:
            raise ValueError(token)
        value = ok_id(token)
        if pos < len(tokens) and tokens[pos] == "WITH":  # an exception only adds rights
            pos += 2
        return value

    def term() -> bool:
        nonlocal pos
        value = factor()
        while pos < len(tokens) and tokens[pos] == "AND":
            pos += 1
            value = factor() and value
        return value

    def expr() -> bool:
        nonlocal pos
        value = term()
        while pos < len(tokens) and tokens[pos] == "OR":
            pos += 1
            value = term() or value
        return value

    try:
        result = expr()
    except (ValueError, IndexError):
        return None
    return result if pos == len(tokens) else None


def distribution_licence(dist: Any, overrides: dict[str, str]) -> tuple[str | None, str]:
    """(SPDX expression, where it came from) for an installed distribution."""
    meta = dist.metadata
    name = str(meta["Name"] or "")
    for key in (name, name.lower(), name.lower().replace("_", "-")):
        if key in overrides:
            return overrides[key], "LICENSE_OVERRIDES"
    expression = meta.get("License-Expression")
    if expression:
        return str(expression).strip(), "License-Expression"
    field = str(meta.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 100 and _tokens(field) is not None:
        tokens = _tokens(field) or []
        return " ".join(tokens), "License"
    classified = []
    for classifier in meta.get_all("Classifier") or []:
        parts = [p.strip() for p in classifier.split("::")]
        if parts[0] != "License" or len(parts) < 2 or parts[-1] == "OSI Approved":
            continue
        spdx = _normalise_id(parts[-1])
        if spdx:
            classified.append(spdx)
    if classified:
        return " OR ".join(sorted(set(classified))), "Classifier"
    return None, "none"


def check_licences(
    *,
    distributions: Iterable[Any] | None = None,
    approved: Iterable[str],
    overrides: dict[str, str],
) -> list[Finding]:
    approved = list(approved)
    findings: list[Finding] = []
    dists = list(distributions if distributions is not None else metadata.distributions())
    seen: set[str] = set()
    for dist in sorted(dists, key=lambda d: str(d.metadata["Name"] or "").lower()):
        name = str(dist.metadata["Name"] or "")
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        expression, source = distribution_licence(dist, overrides)
        if expression is None:
            findings.append(
                Finding(
                    "E010",
                    "licence",
                    name,
                    f"Пакет {name}: лицензия не указана в метаданных.",
                    f"Check {name}'s real licence and, if it is free, add it to "
                    "LICENSE_OVERRIDES in settings with a comment; otherwise remove the package.",
                )
            )
            continue
        allowed = licence_allowed(expression, approved)
        if allowed is None:
            findings.append(
                Finding(
                    "E011",
                    "licence",
                    name,
                    f"Пакет {name}: лицензию «{expression}» ({source}) не удаётся разобрать.",
                    f"Check {name}'s real licence and record it as an SPDX expression in "
                    "LICENSE_OVERRIDES with a comment.",
                )
            )
        elif not allowed:
            findings.append(
                Finding(
                    "E012",
                    "licence",
                    name,
                    f"Пакет {name}: лицензия «{expression}» не входит в список свободных "
                    "(APPROVED_LICENSES).",
                    f"Replace {name} with a free alternative, or remove it.",
                )
            )
    return findings


# --- paywall names ------------------------------------------------------------------------

PAYWALL_TOKENS = frozenset(
    {
        "price",
        "prices",
        "pricing",
        "priced",
        "tariff",
        "tariffs",
        "subscription",
        "subscriptions",
        "subscriber",
        "paywall",
        "paywalled",
        "billing",
        "billed",
        "invoice",
        "invoices",
        "payment",
        "payments",
        "premium",
        "paid",
        "checkout",
        "coupon",
        "upsell",
        "stripe",
        "yookassa",
        "robokassa",
        "cloudpayments",
        "paypal",
        "braintree",
        "paddle",
        "chargebee",
        "djstripe",
        "plans",
    }
)
PLAN_WORDS = frozenset({"plan", "tier"})
PLAN_QUALIFIERS = frozenset({"pro", "plus", "enterprise", "business", "basic", "free", "tier"})


def name_tokens(name: str) -> list[str]:
    """Words of snake_case, CamelCase or SCREAMING_CASE names, lower-cased."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [t for t in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if t]


def paywall_words(name: str, *, model: bool = False) -> list[str]:
    """The words of `name` that introduce a price, plan, subscription or paywall.

    "plan" alone is fine (a thematic plan, a curriculum plan), except as the whole name
    of a model: a model called Plan is a pricing plan.
    """
    tokens = name_tokens(name)
    words = [t for t in tokens if t in PAYWALL_TOKENS]
    token_set = set(tokens)
    if token_set & PLAN_WORDS and (token_set - {"plan"}) & PLAN_QUALIFIERS:
        words.extend(sorted(token_set & (PLAN_WORDS | PLAN_QUALIFIERS)))
    if model and tokens in (["plan"], ["plans"]):
        words.append(tokens[0])
    return sorted(set(words))


def _allowed_name(subject: str, allowed: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(subject, pattern) for pattern in allowed)


def check_models(models: Iterable[Any], *, allowed: Iterable[str] = ()) -> list[Finding]:
    allowed = list(allowed)
    findings: list[Finding] = []
    for model in models:
        label = f"{model._meta.app_label}.{model.__name__}"
        if label.startswith("billing_free_check."):
            continue
        subjects = [(label, model.__name__, "модель")]
        subjects += [
            (f"{label}.{field.name}", field.name, "поле") for field in model._meta.get_fields()
        ]
        for subject, name, what in subjects:
            words = paywall_words(name, model=what == "модель")
            if words and not _allowed_name(subject, allowed):
                findings.append(
                    Finding(
                        "E020",
                        "paywall",
                        subject,
                        f"{what.capitalize()} {subject} вводит платность "
                        f"({', '.join(words)}): в журнале нет цен, тарифов и подписок.",
                        "Remove it. If the word means something else here (e.g. a notification "
                        "preference), rename it, or list it in BILLING_FREE_CHECK_ALLOWED_NAMES "
                        "with a comment.",
                    )
                )
    return findings


def check_settings_names(
    names: Iterable[str], installed_apps: Iterable[str], *, allowed: Iterable[str] = ()
) -> list[Finding]:
    allowed = list(allowed)
    findings: list[Finding] = []
    for name in names:
        if not name.isupper() or name.startswith("BILLING_FREE_CHECK"):
            continue
        words = paywall_words(name)
        if words and not _allowed_name(name, allowed):
            findings.append(
                Finding(
                    "E021",
                    "paywall",
                    f"settings.{name}",
                    f"Настройка {name} вводит платность ({', '.join(words)}).",
                    f"Remove {name} from the settings, and whatever uses it.",
                )
            )
    for app in installed_apps:
        label = app.rsplit(".", 1)[-1]
        if app.startswith("billing_free_check"):
            continue
        words = paywall_words(label)
        if words and not _allowed_name(app, allowed):
            findings.append(
                Finding(
                    "E022",
                    "paywall",
                    f"INSTALLED_APPS: {app}",
                    f"Приложение {app} вводит платность ({', '.join(words)}).",
                    f"Remove {app} from INSTALLED_APPS and from the dependencies.",
                )
            )
    return findings


# --- all together -------------------------------------------------------------------------


def project_findings(
    *,
    settings: Any = None,
    distributions: Iterable[Any] | None = None,
    models: Iterable[Any] | None = None,
) -> list[Finding]:
    """Every finding for the running project (what the system check and the CLI report)."""
    if settings is None:
        from django.conf import settings as django_settings

        settings = django_settings
    if models is None:
        from django.apps import apps

        models = apps.get_models()
    allowed_names = list(getattr(settings, "BILLING_FREE_CHECK_ALLOWED_NAMES", []) or [])
    findings = check_integrations(settings)
    findings += check_licences(
        distributions=distributions,
        approved=getattr(settings, "APPROVED_LICENSES", []),
        overrides=dict(getattr(settings, "LICENSE_OVERRIDES", {}) or {}),
    )
    findings += check_models(models, allowed=allowed_names)
    findings += check_settings_names(
        dir(settings), getattr(settings, "INSTALLED_APPS", []), allowed=allowed_names
    )
    return findings
