"""django-axes hooks that keep personal data out of the logs (SEC-4)."""

from __future__ import annotations

from typing import Any

from core.tenancy import db


def client_str(
    username: str, ip_address: str, user_agent: str, path_info: Any, request: Any
) -> str:
    """What axes writes into log lines: the schema and the path, never who or from where."""
    path = path_info[0] if isinstance(path_info, tuple) else path_info
    return f"{{schema: {db.schema_name!r}, path: {path!r}}}"
