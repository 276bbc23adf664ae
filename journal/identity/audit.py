"""ROLE-4/SEC-4 "from where": the client address of the request goes into each AccessLog.

The journal's `access_log` service records who, what and when; the request is not
passed down to selectors, so the address travels in a context variable set by
`accounts.middleware.SessionGuardMiddleware` and is added to the log row's details
just before it is inserted. (Moving this into `journal.audit.services.access_log` is
the cleaner end state; see docs/identity.md.)
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_save

from accounts.middleware import request_origin


def _add_origin(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    origin = request_origin.get()
    if raw or not origin or instance.pk is not None:
        return
    details = dict(instance.details or {})
    details.setdefault("from", origin)
    instance.details = details


def connect() -> None:
    from journal.audit.models import AccessLog

    pre_save.connect(_add_origin, sender=AccessLog, dispatch_uid="identity_school.audit_origin")
