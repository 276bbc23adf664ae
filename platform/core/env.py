"""Configuration from the environment: `NAME`, or `NAME_FILE` naming a file that holds it."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICES_ENV = REPO_ROOT / ".data" / "services.env"


def env(name: str, default: str | None = None) -> str | None:
    """Return NAME, or the contents of the file named by NAME_FILE, or the default."""
    value = os.environ.get(name)
    if value is not None:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return default


TRUE_WORDS = frozenset({"1", "true", "yes"})
FALSE_WORDS = frozenset({"0", "false", "no", ""})


def env_bool(name: str, default: bool = False) -> bool:
    """1/true/yes or 0/false/no (any case; empty means no); the default when unset.
    Anything else is a mistake in the configuration and stops the start-up."""
    value = env(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/true/yes or 0/false/no, got {value!r}.")


def _number(name: str, kind: type[int] | type[float], default: int | float) -> Any:
    value = env(name)
    if value is None:
        return default
    if not value.strip():
        raise ImproperlyConfigured(f"{name} is set but empty: give a number or unset it.")
    try:
        return kind(value.strip())
    except ValueError:
        word = "a whole number" if kind is int else "a number"
        raise ImproperlyConfigured(f"{name} must be {word}, got {value!r}.") from None


def env_int(name: str, default: int) -> int:
    """A whole number; the default when unset; empty or not a number stops the start-up."""
    return int(_number(name, int, default))


def env_float(name: str, default: float) -> float:
    """A number; the default when unset; empty or not a number stops the start-up."""
    return float(_number(name, float, default))


def env_list(name: str, default: str = "") -> list[str]:
    value = env(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def service_url(name: str) -> str:
    """DATABASE_URL / REDIS_URL from the environment, else what `infra/devservices.py` chose."""
    value = env(name)
    if value:
        return value
    if SERVICES_ENV.exists():
        for line in SERVICES_ENV.read_text().splitlines():
            if line.startswith(f"export {name}="):
                return shlex.split(line.split("=", 1)[1])[0]
    raise ImproperlyConfigured(
        f"{name} is not set and no embedded server was started: run `make services` "
        f"(or set {name})."
    )


def database_from_url(url: str) -> dict[str, Any]:
    """Django DATABASES entry from postgresql://user:pass@host:port/name.

    A host that is a percent-encoded path (or `?host=/path`) means a Unix socket directory.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgresql:// URL, got {parts.scheme}://"
        )
    query = parse_qs(parts.query)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    host, _, port = netloc.rpartition(":") if netloc.count(":") == 1 else (netloc, "", "")
    host = unquote(host)
    if "host" in query:
        host = query["host"][0]
    return {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": port,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
