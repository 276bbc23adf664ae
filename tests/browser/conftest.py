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

        # A fault test since may have cut this thread's connection: start from a fresh one.
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


# ---------------------------------------------------------------- axe-core on every page (#15)

from tests.browser.axe import AXE_CHECKED, AXE_FOUND, watch_with_axe  # noqa: E402


@pytest.fixture(autouse=True)
def axe_violations() -> Iterator[None]:
    """Every page a browser test loads is checked by axe-core; a serious or critical
    violation fails the test, listed."""
    AXE_FOUND.clear()
    yield
    found = list(AXE_FOUND)
    AXE_FOUND.clear()
    assert not found, "axe-core: serious or critical violations:\n" + "\n".join(found)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if AXE_CHECKED:
        terminalreporter.section("axe-core: pages checked (0 serious or critical to pass)")
        for key in sorted(AXE_CHECKED):
            terminalreporter.write_line(f"{key}  ×{AXE_CHECKED[key]}")
        terminalreporter.write_line(f"{len(AXE_CHECKED)} pages, {sum(AXE_CHECKED.values())} loads")


@pytest.fixture(scope="session")
def browser(live_server_port: int) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        # Every context a test opens (the `page` fixture's and its own) runs axe-core on
        # each page it loads.
        new_context = instance.new_context
        instance.new_context = lambda *a, **kw: watch_with_axe(new_context(*a, **kw))  # type: ignore[method-assign]
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


# ---------------------------------------------------------------- school pages (issue #5)

STAFF_PASSWORD = "x-pass-12345"  # the password tests/world.py gives its cast
SSO_BACKEND = "accounts.backends.SsoSessionBackend"


@pytest.fixture
def journal_school(committed: Any) -> Callable[[str], Any]:
    """A committed school with the journal's small school year (tests/world.py:
    one persona per role, 5А with pupils, lessons today, yesterday and 20 days ago); dropped
    at teardown. Privileged staff get a confirmed TOTP device (the sign-in asks for a code)."""

    def build(slug: str) -> Any:
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from django_tenants.utils import schema_context

        from core.tenancy import db
        from tenants.models import School
        from tenants.services import school_create
        from tests.world import build_world

        def drop() -> None:
            db.set_schema_to_public()
            for school in School.objects.filter(slug=slug):
                school.delete(force_drop=True)  # type: ignore[call-arg]

        def create() -> Any:
            drop()
            created = school_create(
                slug=slug,
                name=f"МБОУ «Школа {slug}»",
                short_name="Школа-тест",
                inn="3662010013",
                admin_email=f"director@{slug}.example",
            )
            with schema_context(created.school.schema_name):
                world = build_world()
                for persona in ("deputy", "director", "journal_admin"):
                    TOTPDevice.objects.create(
                        user=world.users[persona], name="test", confirmed=True
                    )
            db.set_schema_to_public()
            return world

        return committed(create, drop)

    return build


@pytest.fixture
def sign_in(url: Callable[[str, str], str]) -> Callable[..., None]:
    """Sign in through the school's own login page (and the TOTP step when asked)."""

    def run(page: Any, host: str, user: Any, password: str = STAFF_PASSWORD) -> None:
        from django_tenants.utils import schema_context

        from tests.otp import totp_code

        page.goto(url(host, "/accounts/login/"))
        page.get_by_label("Имя пользователя").fill(user.username)
        page.get_by_label("Пароль").fill(password)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_load_state()
        if page.locator("#id_token").count():
            with schema_context(host.split(".")[0].replace("-", "_")):
                code = totp_code(user)
            page.locator("#id_token").fill(code)
            page.get_by_role("button", name="Подтвердить").click()
            page.wait_for_load_state()

    return run


@pytest.fixture
def learner_session(
    url: Callable[[str, str], str], django_db_blocker: Any
) -> Callable[[Any, str, Any], None]:
    """A parent's or pupil's session as the Госуслуги hand-over creates it (the identity
    issue's SSO flow is tested on its own): the school-side link and a session cookie."""

    def run(page: Any, host: str, user: Any) -> None:
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django_tenants.utils import schema_context

        schema = host.split(".")[0].replace("-", "_")
        with django_db_blocker.unblock(), schema_context(schema):
            backend = settings.AUTHENTICATION_BACKENDS[0]
            if SSO_BACKEND in settings.AUTHENTICATION_BACKENDS:
                from journal.identity.models import ExternalIdentity

                ExternalIdentity.objects.get_or_create(
                    user=user,
                    defaults={
                        "subject_hash": f"browser-{user.pk:08d}".ljust(64, "0"),
                        "method": "invitation",
                    },
                )
                backend = SSO_BACKEND
            store = import_module(settings.SESSION_ENGINE).SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = backend
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.save()
            key = store.session_key
        # Set from the page itself: Chromium takes a Secure `__Host-` cookie from a
        # *.localhost page (a secure context) but not through the protocol for an http URL.
        page.goto(url(host, "/healthz"))
        page.evaluate(
            "([name, value]) => { document.cookie = `${name}=${value}; Secure; Path=/`; }",
            [settings.SESSION_COOKIE_NAME, key],
        )

    return run
