"""Every outbound integration the platform can use, and whether it is a paid service (FREE-1).

004 §4.8: a school may not use a paid journal, nor a journal containing paid services. The
platform itself has no tiers; this registry is how we keep its integrations free. A
configured integration must be listed here and not be paid; a provider we do not know is
refused as well, because we cannot tell that it is free.

"Paid" means the provider charges the municipality or the school for the service we use
(a SaaS plan, per-message or per-gigabyte fees), even if a small free tier exists: a free
tier is a paywall waiting to be hit. Self-hosted free software is free.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass


@dataclass(frozen=True)
class Integration:
    code: str
    title: str
    kind: str  # email / sso / storage / errors / sms / push / database / cache / broker
    paid: bool
    host_patterns: tuple[str, ...] = ()  # hosts that identify this provider
    note: str = ""  # why it is (not) paid, and what to use instead


INTEGRATIONS: tuple[Integration, ...] = (
    # --- free: self-hosted software or state services without charge ---------------------
    Integration(
        "smtp-relay",
        "Собственный SMTP-сервер (Postfix, Exim) муниципалитета",
        "email",
        paid=False,
        note="A relay run by the operator; its host must be in OUTBOUND_HOST_ALLOWLIST.",
    ),
    Integration(
        "esia",
        "ЕСИА (Госуслуги), OpenID Connect",
        "sso",
        paid=False,
        host_patterns=("esia.gosuslugi.ru", "esia-portal1.test.gosuslugi.ru"),
        note="The state SSO (SEC-1); connecting to it is free of charge for schools.",
    ),
    Integration(
        "keycloak",
        "Keycloak (собственный сервер)",
        "sso",
        paid=False,
        note="Self-hosted OpenID Connect provider.",
    ),
    Integration(
        "sentry-self-hosted",
        "Sentry (собственный сервер)",
        "errors",
        paid=False,
        note="Self-hosted Sentry; its host must be in OUTBOUND_HOST_ALLOWLIST.",
    ),
    Integration(
        "glitchtip",
        "GlitchTip (собственный сервер)",
        "errors",
        paid=False,
        note="Sentry-compatible, self-hosted, MIT-licensed.",
    ),
    Integration(
        "minio",
        "MinIO / S3-совместимое хранилище на своих серверах",
        "storage",
        paid=False,
        note="Self-hosted object storage (AGPL-3.0).",
    ),
    Integration("filesystem", "Файловая система сервера", "storage", paid=False),
    Integration("postgresql", "PostgreSQL (собственный сервер)", "database", paid=False),
    Integration("redis", "Redis (собственный сервер)", "cache", paid=False),
    Integration(
        "web-push",
        "Web Push (VAPID), push-службы браузеров",
        "push",
        paid=False,
        host_patterns=(
            "fcm.googleapis.com",
            "updates.push.services.mozilla.com",
            "*.push.apple.com",
            "*.notify.windows.com",
        ),
        note="The W3C Web Push protocol; browsers' push services charge nothing.",
    ),
    # --- paid: SaaS that bills per plan, per message or per gigabyte ----------------------
    Integration(
        "sentry-saas",
        "Sentry SaaS (sentry.io)",
        "errors",
        paid=True,
        host_patterns=("sentry.io", "*.sentry.io", "*.ingest.sentry.io", "*.ingest.*.sentry.io"),
        note="Paid above a small tier. Use self-hosted Sentry or GlitchTip instead.",
    ),
    Integration(
        "sendgrid",
        "SendGrid",
        "email",
        paid=True,
        host_patterns=("smtp.sendgrid.net", "*.sendgrid.net", "api.sendgrid.com"),
        note="Paid e-mail API. Use the operator's own SMTP relay.",
    ),
    Integration(
        "mailgun",
        "Mailgun",
        "email",
        paid=True,
        host_patterns=("*.mailgun.org", "api.mailgun.net", "*.mailgun.net"),
        note="Paid e-mail API. Use the operator's own SMTP relay.",
    ),
    Integration(
        "amazon-ses",
        "Amazon SES",
        "email",
        paid=True,
        host_patterns=("email-smtp.*.amazonaws.com", "email.*.amazonaws.com"),
        note="Billed per message. Use the operator's own SMTP relay.",
    ),
    Integration(
        "unisender",
        "UniSender",
        "email",
        paid=True,
        host_patterns=("*.unisender.com", "*.unisender.ru"),
        note="Paid mailing service.",
    ),
    Integration(
        "amazon-s3",
        "Amazon S3",
        "storage",
        paid=True,
        host_patterns=("s3.amazonaws.com", "*.s3.amazonaws.com", "s3.*.amazonaws.com"),
        note="Billed per gigabyte. Use MinIO on the operator's servers.",
    ),
    Integration(
        "yandex-object-storage",
        "Yandex Object Storage",
        "storage",
        paid=True,
        host_patterns=("storage.yandexcloud.net", "*.storage.yandexcloud.net"),
        note="Billed per gigabyte. Use MinIO on the operator's servers.",
    ),
    Integration(
        "amazon-rds",
        "Amazon RDS",
        "database",
        paid=True,
        host_patterns=("*.rds.amazonaws.com",),
        note="Managed, billed database. Run PostgreSQL on the operator's servers.",
    ),
    Integration(
        "twilio",
        "Twilio SMS",
        "sms",
        paid=True,
        host_patterns=("api.twilio.com", "*.twilio.com"),
        note="Billed per message. Notify through the diary and e-mail instead.",
    ),
    Integration(
        "smsc",
        "SMSC.ru",
        "sms",
        paid=True,
        host_patterns=("smsc.ru", "*.smsc.ru"),
        note="Billed per message. Notify through the diary and e-mail instead.",
    ),
    Integration(
        "sms-ru",
        "SMS.ru",
        "sms",
        paid=True,
        host_patterns=("sms.ru", "*.sms.ru"),
        note="Billed per message. Notify through the diary and e-mail instead.",
    ),
    Integration(
        "onesignal",
        "OneSignal",
        "push",
        paid=True,
        host_patterns=("onesignal.com", "*.onesignal.com"),
        note="Paid push service. Use Web Push (VAPID) directly.",
    ),
    Integration(
        "stripe",
        "Stripe (платежи)",
        "payments",
        paid=True,
        host_patterns=("api.stripe.com", "*.stripe.com"),
        note="A payment processor: the journal takes no payments at all.",
    ),
    Integration(
        "yookassa",
        "ЮKassa (платежи)",
        "payments",
        paid=True,
        host_patterns=("api.yookassa.ru", "*.yookassa.ru"),
        note="A payment processor: the journal takes no payments at all.",
    ),
)

BY_CODE: dict[str, Integration] = {i.code: i for i in INTEGRATIONS}


def integration_for_host(host: str) -> Integration | None:
    """The known provider a host belongs to (paid ones first), if any."""
    host = host.lower().rstrip(".")
    for integration in sorted(INTEGRATIONS, key=lambda i: not i.paid):
        for pattern in integration.host_patterns:
            if fnmatch.fnmatchcase(host, pattern) or (
                pattern.startswith("*.") and host == pattern[2:]
            ):
                return integration
    return None
