"""Browser: the journal administrator imports a КТП file with one bad row, sees that row's
error, and nothing is saved (PLAN-2)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from journal.planning.models import ThematicPlan
from journal.planning.services import curriculum_line_save

SLUG = "brs-plans"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")
CSV = (
    "№;Тема;Часы;Дата\n"
    "1;Натуральные числа;2;01.09.2025\n"
    "2;Сложение и вычитание;1;03.09.2025\n"
    "3;Дроби;полтора;08.09.2025\n"
    "4;Проценты;1;10.09.2025\n"
)


def test_admin_sees_the_bad_row_and_nothing_is_saved(
    page: Any,
    url: Any,
    screenshot: Any,
    committed: Any,
    journal_school: Any,
    sign_in: Any,
    tmp_path: Any,
) -> None:
    world = journal_school(SLUG)

    def curriculum() -> None:
        with schema_context(SCHEMA):
            curriculum_line_save(
                year=world.year,
                grade=5,
                subject=world.math,
                hours_per_year=5,
                by=world.users["director"],
            )

    committed(curriculum)
    bad = tmp_path / "ktp-5a.csv"
    bad.write_text(CSV, encoding="utf-8")

    sign_in(page, HOST, world.users["journal_admin"])
    page.get_by_role("heading", name="Загрузка КТП").wait_for()
    page.get_by_role("button", name="Проверить файл").click()
    page.get_by_text("Выберите нагрузку.").wait_for()  # Russian errors, nothing chosen yet
    page.get_by_label("Нагрузка (класс, предмет)").select_option(str(world.math5a.pk))
    page.get_by_label("Файл КТП (XLSX или CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Проверить файл").click()
    page.get_by_text("Файл не загружен").wait_for()
    row = page.locator("tr.row--error")
    assert row.count() == 1
    assert "Дроби" in row.inner_text() and "ожидаются №, тема, часы" in row.inner_text()
    assert page.get_by_role("button", name="Загрузить КТП").count() == 0
    assert page.get_by_label("Нагрузка (класс, предмет)").input_value() == str(world.math5a.pk)
    screenshot(page, "admin-plan-import-error")
    with schema_context(SCHEMA):
        assert not ThematicPlan.objects.exists()

    good = tmp_path / "ktp-5a-fixed.csv"
    good.write_text(CSV.replace("полтора", "1"), encoding="utf-8")
    page.get_by_label("Файл КТП (XLSX или CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Проверить файл").click()
    page.get_by_text("Ошибок нет: 4 тем").wait_for()
    with schema_context(SCHEMA):
        assert not ThematicPlan.objects.exists()
    page.get_by_role("button", name="Загрузить КТП").click()
    page.get_by_text("КТП загружено: 4 тем, 5 ч.").wait_for()
    screenshot(page, "admin-plan-import-done")
    with schema_context(SCHEMA):
        assert ThematicPlan.objects.get().total_hours == 5
