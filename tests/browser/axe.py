"""axe-core on every page the browser suite loads (issue #15): the check and its records."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
# axe-core from the npm registry (node_modules, never a CDN), evaluated in each loaded page
# through the DevTools protocol (so the pages' Content-Security-Policy stays as it is).
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_IMPACTS = ("serious", "critical")
AXE_CHECKED: dict[str, int] = {}  # page (path, digits as N) -> times checked, for the summary
AXE_FOUND: list[str] = []  # serious/critical violations of the running test
LAST_CHECKED: dict[int, str] = {}  # id(page) -> the address axe-core last finished on


def page_key(address: str) -> str:
    parts = urlsplit(address)
    where = "school" if (parts.hostname or "").endswith(".localhost") else "public"
    path = re.sub(r"/\d+", "/N", parts.path)
    return f"{where} {path}"


def axe_violations_of(page: Any) -> list[str]:
    """axe-core's serious and critical violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    return list(
        page.evaluate(
            """async (impacts) => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.filter(v => impacts.includes(v.impact)).map(v =>
                    `${v.impact} ${v.id}: ${v.help} — ` +
                    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '));
            }""",
            list(AXE_IMPACTS),
        )
    )


def axe_check(page: Any) -> None:
    """Run axe-core on the page as loaded; record serious/critical violations for the test."""
    address = page.url
    if not address.startswith("http") or "/healthz" in address:
        return
    try:
        found = axe_violations_of(page)
    except Exception as exc:  # the page went on to another one: that one is checked instead
        if "context was destroyed" in str(exc) or "navigat" in str(exc) or "closed" in str(exc):
            return
        raise
    key = page_key(address)
    AXE_CHECKED[key] = AXE_CHECKED.get(key, 0) + 1
    AXE_FOUND.extend(f"{address}: {v}" for v in found)
    LAST_CHECKED[id(page)] = address


def wait_for_axe(page: Any, timeout_s: float = 15.0) -> None:
    """Wait until the load hook's axe-core check of the page as it is now has finished, for
    a test that leaves a page at once (go_back, the test's end): otherwise the next
    navigation interrupts the check and the page goes unchecked."""
    for _ in range(int(timeout_s / 0.05)):
        if LAST_CHECKED.get(id(page)) == page.url:
            return
        page.wait_for_timeout(50)  # lets Playwright run the hook meanwhile
    raise AssertionError(f"axe-core did not check {page.url}")


def watch_with_axe(context: Any) -> Any:
    context.on("page", lambda page: page.on("load", lambda: axe_check(page)))
    return context
