"""The container's HEALTHCHECK: GET /healthz as the proxy would send it; exit 0 when 200.

Django answers only its own hosts (ALLOWED_HOSTS: PLATFORM_DOMAIN and its schools) and, in
production, redirects plain HTTP: so the request names the platform's host and says HTTPS.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    port = os.environ.get("HEALTHCHECK_PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={
            "Host": os.environ.get("PLATFORM_DOMAIN", "localhost"),
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as answer:  # noqa: S310
            return 0 if answer.status == 200 else 1
    except OSError as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
