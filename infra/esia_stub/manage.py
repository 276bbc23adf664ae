#!/usr/bin/env python
"""The demo's stand-in for Госуслуги (ЕСИА): its own Django project, process and database.

    python infra/esia_stub/manage.py stub_serve --config .data/esia_stub/config.json --port 8001

Not part of the platform: nothing here is in the platform's INSTALLED_APPS or URLs, and
it imports nothing from the platform. See infra/esia_stub/README.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esia_stub.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
