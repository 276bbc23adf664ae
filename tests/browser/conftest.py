"""Browser tests: Playwright drives Debian's Chromium against a live server on real PostgreSQL.

The live server runs in a thread with its own database connections, so it sees only
committed rows: fixtures here commit what a scenario needs and remove it afterwards
(the rest of the suite never sees it). Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError(
        "Chromium is not installed: run `make browser` (installs Debian's chromium) "
        "or set CHROMIUM_PATH."
    )


@pytest.fixture(scope="session")
def live_server_port(django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield thread.port
        thread.terminate()
        # Request threads of the live server (kept alive by the browser) may still hold
        # a connection; end them so the test database can be dropped.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="session")
def browser(live_server_port: int) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def url(live_server_port: int) -> Callable[[str, str], str]:
    def build(host: str, path: str = "/") -> str:
        return f"http://{host}:{live_server_port}{path}"

    return build


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def committed(django_db_blocker: Any) -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """Run setup code outside any test transaction; cleanups run at teardown, last first."""
    cleanups: list[Callable[[], None]] = []

    def run(fn: Callable[[], Any], cleanup: Callable[[], None] | None = None) -> Any:
        with django_db_blocker.unblock():
            result = fn()
        if cleanup is not None:
            cleanups.append(cleanup)
        return result

    run.cleanups = cleanups  # type: ignore[attr-defined]
    yield run
    with django_db_blocker.unblock():
        from core.tenancy import db

        db.set_schema_to_public()
        for cleanup in reversed(cleanups):
            cleanup()
