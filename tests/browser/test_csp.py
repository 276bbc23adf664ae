"""Browser: the pages work under the Content-Security-Policy (issue #11). A teacher's pages
(today, the journal grid, a lesson) load with no CSP violation in the console, and the
period selector, which used an inline `onchange` before, still submits on change."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

SLUG = "brs-csp"
HOST = f"{SLUG}.localhost"


def test_teacher_pages_run_under_the_policy(
    page: Any, url: Any, journal_school: Any, sign_in: Any
) -> None:
    world = journal_school(SLUG)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    headers: list[str] = []
    page.on(
        "response",
        lambda response: (
            headers.append(response.headers.get("content-security-policy", ""))
            if response.request.resource_type == "document"
            else None
        ),
    )

    sign_in(page, HOST, world.users["teacher"])
    page.get_by_role("heading", name="Мои уроки сегодня").wait_for()
    page.goto(url(HOST, f"/journals/{world.math5a.pk}/"))
    page.locator("table.grid").wait_for()

    # The period selector submits its form on change (app.js, data-autosubmit).
    with schema_context(SLUG.replace("-", "_")):
        second = world.year.periods.exclude(pk=world.period.pk).order_by("number").first()
    with page.expect_navigation():
        page.locator("select#period").select_option(str(second.pk))
    assert f"period={second.pk}" in page.url
    assert page.locator("select#period").input_value() == str(second.pk)

    page.goto(url(HOST, f"/lessons/{world.lesson_today.pk}/"))
    page.locator("form").first.wait_for()

    assert headers and all("default-src 'self'" in h for h in headers), headers
    assert not refused, refused
