"""Celery task bases that refuse to run without knowing their school.

tenant-schemas-celery puts the producer's schema in a `_schema_name` header and switches
the worker's connection to it before the task runs. A message without that header (sent
by a producer that is not tenant-aware) would otherwise run in `public`; here it fails.
"""

from __future__ import annotations

import uuid
from typing import Any

from tenant_schemas_celery.app import get_schema_name_from_task
from tenant_schemas_celery.task import TenantTask

from core.tenancy import db

TASK_ID_NAMESPACE = uuid.UUID("6f1d0c8e-3b7a-4f39-9a51-2f0b6f0e7a11")


def task_id_for(*, schema: str, key: str) -> str:
    """The Celery task id of the work `key` in `schema`: the same on every (re)send."""
    return str(uuid.uuid5(TASK_ID_NAMESPACE, f"{schema}:{key}"))


class MissingSchemaError(RuntimeError):
    """A task arrived without the school it is for."""


class SchoolTask(TenantTask):
    """Default base: runs inside one school's schema, never in public."""

    abstract = True

    def _schema_from_headers(self) -> str | None:
        schema = get_schema_name_from_task(self, None)
        return str(schema) if schema else None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        schema = self._schema_from_headers()
        if not schema:
            raise MissingSchemaError(f"task {self.name} has no _schema_name header")
        if schema == "public":
            raise MissingSchemaError(f"task {self.name} is a school task but was sent from public")
        if db.schema_name != schema:
            raise MissingSchemaError(f"task {self.name} is not running in {schema}")
        return super().__call__(*args, **kwargs)


class PlatformTask(SchoolTask):
    """For the municipality's own tasks (fan-out, rollups): only ever in public."""

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        schema = self._schema_from_headers()
        if schema != "public":
            raise MissingSchemaError(
                f"task {self.name} is a platform task; header says {schema or 'nothing'}"
            )
        return TenantTask.__call__(self, *args, **kwargs)
