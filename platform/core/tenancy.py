"""The database connection as django-tenants extends it, typed for mypy.

django-tenants' backend adds `schema_name`, `tenant`, `set_tenant()` and
`set_schema_to_public()` to the connection; Django's stubs do not know them.
"""

from __future__ import annotations

from typing import Any

from django.db import connection as _connection

db: Any = _connection
