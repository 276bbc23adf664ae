"""A logging filter that keeps personal data out of log output (SEC-4, 152-ФЗ).

Exception messages and log arguments are data: an error raised while saving a pupil's
mark may name the pupil. Like the Sentry scrubber (`core.sentry.scrub_event`), the log
keeps the exception type and the stack (code, not data) and drops the message; string
arguments are replaced, except from the loggers of the framework and of our plumbing,
whose arguments are paths, status codes and task names; anything shaped like a СНИЛС
is masked in the rendered line whatever its source.
"""

from __future__ import annotations

import logging
import traceback

from core.sentry import FILTERED, SNILS_VALUE

# Loggers whose arguments are technical (paths, codes, task names, schema names).
TECHNICAL_LOGGERS = (
    "django.request",
    "django.server",
    "django.security",
    "django.db.backends.schema",
    "celery",
    "gunicorn",
    "axes",
    "identity",
    "tenants",
    "httpx",
)


def _technical(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in TECHNICAL_LOGGERS)


def _mask(arg: object) -> object:
    return arg if isinstance(arg, int | float | bool) or arg is None else FILTERED


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and not _technical(record.name):
            if isinstance(record.args, dict):
                record.args = {k: _mask(v) for k, v in record.args.items()}
            else:
                record.args = tuple(_mask(a) for a in record.args)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = SNILS_VALUE.sub(FILTERED, message)
        record.args = ()
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _, tb = record.exc_info
            name = f"{exc_type.__module__}.{exc_type.__qualname__}"
            stack = "".join(traceback.format_tb(tb)) if tb is not None else ""
            record.exc_text = (
                f"Traceback (most recent call last):\n{stack}{name}: {FILTERED}"
                if stack
                else f"{name}: {FILTERED}"
            )
        return True
