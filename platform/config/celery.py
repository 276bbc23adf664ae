"""The Celery app: tenant-aware, and strict about which school a task runs in."""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


class App(CeleryApp):
    task_cls = "tenants.tasking:SchoolTask"


app = App("edujournal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
