"""FREE-1: each kind of violation, planted, fails the check with a clear message."""

from __future__ import annotations

from email.message import Message
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import models
from django.test import override_settings
from django.test.utils import isolate_apps

from billing_free_check import engine
from billing_free_check.checks import free_check
from billing_free_check.engine import (
    check_integrations,
    check_licences,
    check_models,
    check_settings_names,
    licence_allowed,
    paywall_words,
)

APPROVED = ["MIT", "BSD", "BSD-*", "Apache-2.0", "LGPL-*", "GPL-*", "AGPL-*", "MPL-2.0", "PSF-2.0"]


def fake_dist(name: str, **fields: Any) -> Any:
    meta = Message()
    meta["Name"] = name
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            meta[key.replace("_", "-")] = item
    return SimpleNamespace(metadata=meta)


def settings_with(**values: Any) -> Any:
    base = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "SENTRY_DSN": None,
        "DATABASES": {"default": {"HOST": "/run/postgresql"}},
        "CACHES": {},
        "INTEGRATIONS": {},
        "OUTBOUND_HOST_ALLOWLIST": [".edu.example.ru", "esia.gosuslugi.ru"],
    }
    base.update(values)
    return SimpleNamespace(**base)


# --- the real project ---------------------------------------------------------------------


def test_real_project_passes() -> None:
    assert engine.project_findings() == []
    assert free_check() == []
    assert [m for m in run_checks(tags=["billing_free_check"])] == []
    call_command("check", verbosity=0)  # what every manage.py start runs


def test_planted_paid_integration_stops_manage_py(monkeypatch: pytest.MonkeyPatch) -> None:
    with override_settings(SENTRY_DSN="https://abc@o123.ingest.sentry.io/42"):
        with pytest.raises(SystemCheckError, match="Sentry SaaS"):
            call_command("check", verbosity=0)


def test_planted_non_free_licence_stops_manage_py(monkeypatch: pytest.MonkeyPatch) -> None:
    real = list(engine.metadata.distributions())
    planted = fake_dist("acme-grades", License_Expression="LicenseRef-Proprietary")
    monkeypatch.setattr(engine.metadata, "distributions", lambda: [*real, planted])
    with pytest.raises(SystemCheckError) as excinfo:
        call_command("check", verbosity=0)
    assert "billing_free_check.E012" in str(excinfo.value)
    assert "acme-grades" in str(excinfo.value)


# --- integrations and hosts ---------------------------------------------------------------


def test_clean_configuration_passes() -> None:
    settings = settings_with(
        EMAIL_HOST="smtp.edu.example.ru",
        SENTRY_DSN="https://key@glitchtip.edu.example.ru/3",
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/1",
            }
        },
        CELERY_BROKER_URL="redis://localhost:6379/0",
        INTEGRATIONS={"sso": {"provider": "esia", "url": "https://esia.gosuslugi.ru"}},
    )
    assert check_integrations(settings) == []


@pytest.mark.parametrize(
    ("values", "subject", "fragment"),
    [
        ({"SENTRY_DSN": "https://abc@o1.ingest.sentry.io/2"}, "SENTRY_DSN", "Sentry SaaS"),
        ({"SENTRY_DSN": "https://abc@sentry.io/2"}, "SENTRY_DSN", "Sentry SaaS"),
        ({"EMAIL_HOST": "smtp.sendgrid.net"}, "EMAIL_HOST", "SendGrid"),
        (
            {"DATABASES": {"default": {"HOST": "db1.abc.eu-west-1.rds.amazonaws.com"}}},
            "DATABASES['default']",
            "Amazon RDS",
        ),
        (
            {"INTEGRATIONS": {"sms": {"provider": "smsc", "url": "https://smsc.ru/sys/send.php"}}},
            "INTEGRATIONS['sms']",
            "SMSC",
        ),
        (
            # Declared as self-hosted MinIO, but the host is Amazon S3: the host wins.
            {
                "INTEGRATIONS": {
                    "files": {"provider": "minio", "url": "https://bucket.s3.amazonaws.com"}
                }
            },
            "INTEGRATIONS['files']",
            "Amazon S3",
        ),
    ],
)
def test_paid_integration_fails_naming_it(
    values: dict[str, Any], subject: str, fragment: str
) -> None:
    findings = check_integrations(settings_with(**values))
    assert [(f.kind, f.subject) for f in findings] == [("paid_integration", subject)]
    assert fragment in findings[0].message and "004 §4.8" in findings[0].message
    assert findings[0].fix


def _s3(endpoint: str | None) -> dict[str, Any]:
    options = {"bucket_name": "archive"} | ({"endpoint_url": endpoint} if endpoint else {})
    return {"archive_secondary": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}}


@pytest.mark.parametrize(
    "endpoint",
    ["http://127.0.0.1:9000", "https://minio.edu.example.ru", "http://localhost:9000"],
)
def test_a_self_hosted_s3_endpoint_is_free_arc4_free1(endpoint: str) -> None:
    """The archive's S3-compatible location (issue #14) on loopback or the operator's own
    MinIO host passes; the filesystem locations are not integrations at all."""
    storages = {
        "archive_primary": {"BACKEND": "journal.archive.storage.AtomicFileSystemStorage"},
        **_s3(endpoint),
    }
    assert check_integrations(settings_with(STORAGES=storages)) == []


@pytest.mark.parametrize(
    ("endpoint", "fragment"),
    [
        (None, "Amazon S3"),  # no endpoint: boto3 goes to AWS
        ("https://s3.eu-central-1.amazonaws.com", "Amazon S3"),
        ("https://storage.yandexcloud.net", "Yandex Object Storage"),
    ],
)
def test_a_paid_object_storage_is_reported_free1(endpoint: str | None, fragment: str) -> None:
    findings = check_integrations(settings_with(STORAGES=_s3(endpoint)))
    assert [(f.kind, f.subject) for f in findings] == [
        ("paid_integration", "STORAGES['archive_secondary']")
    ]
    assert fragment in findings[0].message


def test_an_s3_endpoint_outside_the_allow_list_fails_free1() -> None:
    findings = check_integrations(settings_with(STORAGES=_s3("https://files.othercity.ru")))
    assert [(f.kind, f.code) for f in findings] == [("outbound_host", "E003")]


def test_unknown_integration_fails() -> None:
    findings = check_integrations(
        settings_with(
            INTEGRATIONS={"push": {"provider": "pushomatic", "url": "https://push.example.com"}}
        )
    )
    assert [f.kind for f in findings] == ["unknown_integration"]
    assert "pushomatic" in findings[0].message
    assert "registry.py" in findings[0].fix


def test_host_outside_the_allow_list_fails() -> None:
    findings = check_integrations(settings_with(SENTRY_DSN="https://key@errors.othercity.ru/1"))
    assert [(f.kind, f.code) for f in findings] == [("outbound_host", "E003")]
    assert "errors.othercity.ru" in findings[0].message
    assert "OUTBOUND_HOST_ALLOWLIST" in findings[0].fix
    allowed = settings_with(
        SENTRY_DSN="https://key@errors.othercity.ru/1",
        OUTBOUND_HOST_ALLOWLIST=["errors.othercity.ru"],
    )
    assert check_integrations(allowed) == []


# --- licences -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("MIT", True),
        ("Apache-2.0 OR BSD-2-Clause", True),
        ("(MIT AND Apache-2.0) OR LicenseRef-Proprietary", True),
        ("MIT AND LicenseRef-Proprietary", False),
        ("GPL-3.0-or-later WITH Classpath-exception-2.0", True),
        ("AGPL-3.0-only", True),
        ("BUSL-1.1", False),
        ("SSPL-1.0", False),
        ("MIT AND (", None),
        ("Dual License", None),
    ],
)
def test_licence_expressions(expression: str, expected: bool | None) -> None:
    assert licence_allowed(expression, APPROVED) is expected


def test_licences_from_messy_metadata_are_read() -> None:
    dists = [
        fake_dist("a", License_Expression="MIT"),
        fake_dist("b", License="BSD 3-Clause OR Apache-2.0"),
        fake_dist(
            "c",
            License="Dual License",
            Classifier=[
                "License :: OSI Approved :: BSD License",
                "License :: OSI Approved :: Apache Software License",
            ],
        ),
        fake_dist(
            "d",
            License="released under the BSD (3-clause) license - see the LICENSE file",
            Classifier="License :: OSI Approved :: BSD License",
        ),
        fake_dist(
            "e", Classifier="License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)"
        ),
        fake_dist("f", License="New BSD"),
        fake_dist("g"),  # nothing at all, but overridden after checking its LICENSE file
    ]
    assert (
        check_licences(distributions=dists, approved=APPROVED, overrides={"g": "Apache-2.0"}) == []
    )


@pytest.mark.parametrize(
    ("dist", "code", "fragment"),
    [
        (
            fake_dist("acme", License_Expression="LicenseRef-Proprietary"),
            "E012",
            "не входит в список свободных",
        ),
        (
            fake_dist("acme", Classifier="License :: Other/Proprietary License"),
            "E012",
            "LicenseRef-Proprietary",
        ),
        (fake_dist("acme", License_Expression="BUSL-1.1"), "E012", "BUSL-1.1"),
        (fake_dist("acme"), "E010", "не указана"),
        (fake_dist("acme", License_Expression="MIT AND ("), "E011", "не удаётся разобрать"),
    ],
)
def test_non_free_or_unknown_licence_fails(dist: Any, code: str, fragment: str) -> None:
    findings = check_licences(distributions=[dist], approved=APPROVED, overrides={})
    assert [(f.code, f.subject) for f in findings] == [(code, "acme")]
    assert fragment in findings[0].message
    assert findings[0].fix


# --- paywall names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("price", True),
        ("PricingPlan", True),
        ("subscription_ends_at", True),
        ("is_paywalled", True),
        ("plan_tier", True),
        ("STRIPE_SECRET_KEY", True),
        ("ThematicPlan", False),
        ("plan", False),  # a field pointing at a thematic plan
        ("curriculum_plan_hours", False),
        ("paper_copy_cadence", False),
    ],
)
def test_paywall_words(name: str, flagged: bool) -> None:
    assert bool(paywall_words(name)) is flagged


@isolate_apps("catalog")
def test_planted_model_and_field_fail() -> None:
    class Tariff(models.Model):  # noqa: DJ008 - a planted violation
        monthly_price = models.DecimalField(max_digits=8, decimal_places=2)
        title = models.CharField(max_length=10)

        class Meta:
            app_label = "catalog"

    class Plan(models.Model):  # noqa: DJ008
        class Meta:
            app_label = "catalog"

    findings = check_models([Tariff, Plan])
    subjects = {f.subject for f in findings}
    assert subjects == {"catalog.Tariff", "catalog.Tariff.monthly_price", "catalog.Plan"}
    assert all(f.kind == "paywall" and "платность" in f.message for f in findings)
    assert check_models([Tariff, Plan], allowed=["catalog.*"]) == []


def test_planted_setting_and_app_fail() -> None:
    findings = check_settings_names(
        ["DEBUG", "SUBSCRIPTION_PLANS", "BILLING_FREE_CHECK_ALLOWED_NAMES", "lowercase_price"],
        ["django.contrib.auth", "djstripe", "billing_free_check"],
    )
    assert [f.subject for f in findings] == [
        "settings.SUBSCRIPTION_PLANS",
        "INSTALLED_APPS: djstripe",
    ]


def test_planted_setting_fails_the_real_check() -> None:
    with override_settings(PREMIUM_PRICE_RUB=990):
        messages = free_check()
    assert [m.id for m in messages] == ["billing_free_check.E021"]
    assert "PREMIUM_PRICE_RUB" in messages[0].msg
