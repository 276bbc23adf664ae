"""The Celery app: tenant-aware, strict about which school a task runs in, and fair
between schools inside each queue (tenants.fairness, issue #17)."""

from __future__ import annotations

import os
from typing import Any

from tenant_schemas_celery.app import CeleryApp
from tenant_schemas_celery.task import headers_with_schema

from tenants import fairness  # also connects the worker's side (task_prerun)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


class App(CeleryApp):
    task_cls = "tenants.tasking:SchoolTask"

    def send_task(self, name: str, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        options["headers"] = headers_with_schema(options.get("headers") or {})
        counted = fairness.prioritize(self, name, options)
        try:
            return super().send_task(name, args=args, kwargs=kwargs, **options)
        except Exception:
            fairness.forget(self, counted)
            raise


app = App("edujournal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
