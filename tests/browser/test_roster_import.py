"""Browser: a secretary brings a class of pupils with parents in from an XLSX file with two
bad rows, fixes them, imports, then loads the weekly changes list and sees one pupil moved
and nobody twice (issue #15, SET-4, SET-6)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from journal.roster.models import Guardian, Movement, Pupil
from tests.journal.test_roster_import import PUPIL_HEADERS, day, pupil_row, xlsx
from tests.web.test_roster_import import class_list

SLUG = "brs-roster"
HOST = f"{SLUG}.localhost"
SCHEMA = SLUG.replace("-", "_")


def test_secretary_imports_a_class_fixes_two_rows_and_loads_the_weekly_changes(
    page: Any,
    url: Any,
    screenshot: Any,
    journal_school: Any,
    sign_in: Any,
    tmp_path: Any,
) -> None:
    world = journal_school(SLUG)
    with schema_context(SCHEMA):
        pupils_before = Pupil.objects.count()
        parents_before = Guardian.objects.count()
    bad = tmp_path / "5Б.xlsx"
    bad.write_bytes(class_list(world, bad=True))

    sign_in(page, HOST, world.users["secretary"])
    page.get_by_role("link", name="Загрузка списков").click()
    page.get_by_role("heading", name="Загрузка списков школы").wait_for()
    field = page.get_by_label("Файл со списками (XLSX или CSV)")
    field.set_input_files(str(bad))
    page.get_by_role("button", name="Проверить файл").click()
    page.get_by_text("Файл не загружен: найдены ошибки (2)").wait_for()
    rows = page.locator("tr.row--error")
    assert rows.count() == 2
    assert "Борисов" in rows.nth(0).inner_text() and "Дата рождения" in rows.nth(0).inner_text()
    assert "Григорьев" in rows.nth(1).inner_text() and "кем приходится" in rows.nth(1).inner_text()
    assert page.get_by_role("button", name="Загрузить списки").count() == 0
    screenshot(page, "secretary-roster-import-errors")
    with schema_context(SCHEMA):
        assert Pupil.objects.count() == pupils_before

    good = tmp_path / "5Б-исправлено.xlsx"
    good.write_bytes(class_list(world, bad=False))
    field.set_input_files(str(good))
    page.get_by_role("button", name="Проверить файл").click()
    page.get_by_text("Ошибок нет").wait_for()
    page.get_by_text("Ученики: добавить — 4").wait_for()
    page.get_by_role("button", name="Загрузить списки").click()
    page.get_by_text("Списки загружены: новых учеников — 4").wait_for()
    with schema_context(SCHEMA):
        assert Pupil.objects.count() == pupils_before + 4
        assert Guardian.objects.count() == parents_before + 3

    weekly = tmp_path / "изменения.xlsx"
    weekly.write_bytes(
        xlsx(
            {
                "Изменения за неделю": [
                    PUPIL_HEADERS,
                    pupil_row(world, "Андреев"),
                    pupil_row(world, "Борисов", birth="11.04.2015", klass="5А", on=day(world, 14)),
                ]
            }
        )
    )
    page.get_by_label("Файл со списками (XLSX или CSV)").set_input_files(str(weekly))
    page.get_by_role("button", name="Проверить файл").click()
    page.get_by_text("Ученики: без изменений — 1, перевести — 1").wait_for()
    moved_row = page.locator("tr", has_text="Борисов")
    assert "перевести" in moved_row.inner_text()
    screenshot(page, "secretary-roster-import-weekly")
    page.get_by_role("button", name="Загрузить списки").click()
    page.get_by_text("Списки загружены: новых учеников — 0, переведено — 1").wait_for()
    screenshot(page, "secretary-roster-import-weekly-done")
    with schema_context(SCHEMA):
        assert Pupil.objects.count() == pupils_before + 4  # nobody twice
        assert Guardian.objects.count() == parents_before + 3
        moved = Pupil.objects.get(user__last_name="Борисов")
        assert moved.class_group_id == world.class5a.pk
        assert moved.movements.filter(kind=Movement.Kind.MOVED).count() == 1
