"""Migrate, load the configuration and serve (threaded) on 127.0.0.1.

Prints ``READY <port>`` once listening (``--port 0`` picks a free one), so a parent
process (`make demo`, a test) knows where it is.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.servers.basehttp import (
    ThreadedWSGIServer,
    WSGIRequestHandler,
    get_internal_wsgi_application,
)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)


class Command(BaseCommand):
    help = "Run the Госуслуги stand-in"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--verbose-requests", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("stub_load", stdout=sys.stderr)
        server = ThreadedWSGIServer((options["host"], options["port"]), QuietHandler)
        server.verbose = options["verbose_requests"]  # type: ignore[attr-defined]
        server.set_app(get_internal_wsgi_application())
        self.stdout.write(f"READY {server.server_address[1]}")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
