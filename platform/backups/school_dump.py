"""One school's logical export and restore (ARC-5): `pg_dump -n <schema> -Fc`, `pg_restore`.

Restores one school without touching the others: its schema is dropped and recreated from
the dump (tables, data, sequences, functions, triggers). The school's archive tree heads
come back with it; their copies in the public schema were never touched, so the restored
tree verifies against them. The PostgreSQL client tools must match the server's major
version: `PG_BIN_DIR` if set, else the embedded server's own (pgserver), else `PATH`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def pg_tool(name: str) -> str:
    configured = str(getattr(settings, "PG_BIN_DIR", "") or "")
    if configured:
        return str(Path(configured) / name)
    try:
        import pgserver  # the embedded server of development and tests

        embedded = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
        if embedded.exists():
            return str(embedded)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} is not installed")
    return found


def connection_args() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["-d", str(s["NAME"])]
    if s.get("HOST"):
        args += ["-h", str(s["HOST"])]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    if s.get("USER"):
        args += ["-U", str(s["USER"])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _check(schema: str) -> None:
    if not SCHEMA_NAME.match(schema) or schema in ("public", "information_schema"):
        raise ValueError(f"not a school schema: {schema!r}")


@dataclass(frozen=True)
class Export:
    path: Path
    size: int
    sha256: str


def school_export(*, schema: str, path: Path) -> Export:
    """The school's schema, custom format (compressed, restorable selectively)."""
    _check(schema)
    args, env = connection_args()
    subprocess.run(
        [pg_tool("pg_dump"), "-Fc", "-n", schema, "-f", str(path), *args],
        check=True,
        env=env,
        capture_output=True,
    )
    data = path.read_bytes()
    return Export(path, len(data), hashlib.sha256(data).hexdigest())


def school_restore(*, schema: str, path: Path) -> None:
    """Drop the school's schema (if it is there) and restore it from its export."""
    _check(schema)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    args, env = connection_args()
    subprocess.run(
        [pg_tool("pg_restore"), "--exit-on-error", "--no-owner", *args, str(path)],
        check=True,
        env=env,
        capture_output=True,
    )
