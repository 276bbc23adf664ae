"""Start the Госуслуги stand-in on the test run's clock (tokens' iat/exp match the suite's
"now"): `python tests/identity/esia_stub_process.py --port 0` prints READY <port>."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "infra" / "esia_stub"))

from tests import clock  # noqa: E402

if __name__ == "__main__":
    clock.start()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esia_stub.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "stub_serve", *sys.argv[1:]])
