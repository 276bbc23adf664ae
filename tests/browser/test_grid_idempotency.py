"""Browser: the journal grid sends an Idempotency-Key with each save, so a save whose answer
was lost and is sent again does not append the marks twice (issue #11, MRK-2)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from idempotency.models import IdempotencyRecord
from journal.register.models import Mark

SLUG = "brs-idem"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


def test_grid_save_carries_an_idempotency_key(
    page: Any, committed: Any, journal_school: Any, sign_in: Any
) -> None:
    world = journal_school(SLUG)
    lesson = world.lesson_today
    sign_in(page, HOST, world.users["teacher"])
    page.locator(f"a[href='/journals/{world.math5a.pk}/']").first.click()
    page.locator("table.grid").wait_for()
    page.locator(f"input.g-in[data-l='{lesson.pk}']").first.click()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    with page.expect_request(lambda r: r.url.endswith(f"/lessons/{lesson.pk}/save/")) as sent:
        page.get_by_role("button", name="Сохранить (1)").click()
    page.locator("[data-status]").get_by_text("Сохранено.").wait_for()
    key = sent.value.headers.get("idempotency-key")
    assert key and len(key) >= 32

    def stored() -> tuple[int, list[str]]:
        with schema_context(SCHEMA):
            keys = list(IdempotencyRecord.objects.values_list("key", flat=True))
            return Mark.objects.filter(lesson=lesson).count(), keys

    assert committed(stored) == (1, [key])
