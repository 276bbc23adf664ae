"""Sentry, only when SENTRY_DSN is set, and never with personal data.

`send_default_pii=False` keeps users' IPs, cookies and headers out; `scrub_event` then
drops request bodies, cookies, query strings and any field whose name suggests personal
data, and tags each event with the school's schema (a schema name identifies a school,
not a person).
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from core.env import env, env_float

SENSITIVE_KEY = re.compile(
    r"pass|secret|token|key|auth|cookie|session|csrf|snils|снилс|inn|passport|phone|email|"
    r"mail|name|birth|address|fio|фио|patronymic|username|user|ip",
    re.IGNORECASE,
)
SNILS_VALUE = re.compile(r"\b\d{3}-\d{3}-\d{3}[ -]?\d{2}\b")
FILTERED = "[скрыто]"


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 8:
        return FILTERED
    if isinstance(value, dict):
        return {
            k: (
                FILTERED if isinstance(k, str) and SENSITIVE_KEY.search(k) else _scrub(v, depth + 1)
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(v, depth + 1) for v in value]
    if isinstance(value, str):
        return SNILS_VALUE.sub(FILTERED, value)
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry `before_send`: remove personal data, add the schema tag."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                k: v for k, v in headers.items() if k.lower() in {"host", "user-agent", "accept"}
            }
    event.pop("user", None)
    # Exception messages and log parameters are data and may name a pupil: only the
    # exception type, the stack (without locals) and the log message template are kept.
    for entry in (event.get("exception") or {}).get("values", []) or []:
        for frame in (entry.get("stacktrace") or {}).get("frames", []) or []:
            frame.pop("vars", None)
        if entry.get("value"):
            entry["value"] = FILTERED
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        logentry.pop("formatted", None)
    if isinstance(event.get("message"), str):
        event["message"] = SNILS_VALUE.sub(FILTERED, event["message"])
    for crumb in (event.get("breadcrumbs") or {}).get("values", []) or []:
        crumb.pop("data", None)
    if "extra" in event:
        event["extra"] = _scrub(event["extra"])
    if "contexts" in event:
        event["contexts"] = {
            k: v for k, v in event["contexts"].items() if k in {"runtime", "os", "trace", "celery"}
        }
    try:
        from django.db import connection

        schema = getattr(connection, "schema_name", None)
    except Exception:
        schema = None
    if schema:
        event.setdefault("tags", {})["schema"] = schema
    return event


def init_sentry(**overrides: Any) -> Any:
    """Initialise the SDK if SENTRY_DSN is set; returns the SDK's guard, or None."""
    dsn = overrides.pop("dsn", None) or env("SENTRY_DSN")
    if not dsn:
        return None
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": env("SENTRY_ENVIRONMENT", "production"),
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
        "before_send": scrub_event,
        "traces_sample_rate": env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        "integrations": [DjangoIntegration(), CeleryIntegration()],
    }
    options.update(overrides)
    with warnings.catch_warnings():
        # The SDK now prefers `data_collection`; our rule is an explicit send_default_pii=False.
        warnings.filterwarnings("ignore", message="The send_default_pii option is deprecated")
        return sentry_sdk.init(**options)
