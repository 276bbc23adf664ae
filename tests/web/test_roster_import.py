"""The roster import pages (SET-3, SET-4, SET-6): template, preview with per-row errors in
Russian (nothing saved), confirmation (all or nothing), the weekly changes list, access."""

from __future__ import annotations

import io
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from journal.roster.models import Movement, Pupil, RosterImport
from tests.journal.test_roster_import import PUPIL_HEADERS, counts, day, pupil_row, xlsx
from tests.world import World

PAGE = "/manage/import/"
TEMPLATE = "/manage/import/template/"
CONFIRM = "/manage/import/confirm/"


def school_counts() -> tuple[int, ...]:
    with schema_context("school1"):
        return counts()


def upload(client: Client, content: bytes, name: str = "5Б.xlsx") -> Any:
    return client.post(PAGE, {"file": SimpleUploadedFile(name, content)})


def token_of(response: Any) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert found, "no confirmation form"
    return found.group(1)


def class_list(world: World, *, bad: bool) -> bytes:
    """5Б: four pupils with their mothers; with `bad`, rows 3 and 5 are wrong."""
    rows = [
        pupil_row(world, "Андреев"),
        pupil_row(world, "Борисов", birth="" if bad else "11.04.2015"),
        pupil_row(world, "Васильев", parent=("Васильева", "Анна", "+7 900 000-00-02", "мать")),
        pupil_row(
            world,
            "Григорьев",
            parent=("Григорьева", "Вера", "+7 900 000-00-03", "тётя" if bad else "мать"),
        ),
    ]
    return xlsx({"Ученики и родители": [PUPIL_HEADERS, *rows]})


def test_two_bad_rows_are_listed_in_russian_and_nothing_is_saved(
    world: World, page_client: Any
) -> None:
    """SET-6: the preview names exactly the two bad rows; nothing is saved."""
    before = school_counts()
    response = upload(page_client("secretary"), class_list(world, bad=True))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Файл не загружен: найдены ошибки (2)" in html
    errors = re.findall(r"<li>(«Ученики и родители», строка \d+: [^<]+)</li>", html)
    assert len(errors) == 2, errors
    assert errors[0].startswith("«Ученики и родители», строка 3: Дата рождения — ДД.ММ.ГГГГ")
    assert errors[1] == (
        "«Ученики и родители», строка 5: Родитель 1: кем приходится — мать, отец, опекун или иной."
    )
    assert "Ученики: добавить — 2, с ошибками — 2" in html
    assert 'name="token"' not in html
    assert school_counts() == before
    with schema_context("school1"):
        assert not RosterImport.objects.exists()


def test_the_fixed_file_is_confirmed_and_a_weekly_list_moves_one_and_adds_one(
    world: World, page_client: Any
) -> None:
    """SET-4, SET-6: the class with parents, links and consents; then the weekly changes."""
    client = page_client("secretary")
    before = school_counts()
    preview = upload(client, class_list(world, bad=False))
    assert preview.status_code == 200
    assert "Ученики: добавить — 4" in preview.content.decode()
    assert school_counts() == before  # the preview saves nothing of the roster
    done = client.post(CONFIRM, {"token": token_of(preview)}, follow=True)
    assert "Списки загружены: новых учеников — 4" in done.content.decode()
    # pupils, parents (the first two share a mother), links, consents, enrolment records
    added = tuple(a - b for a, b in zip(school_counts(), before, strict=True))
    assert added == (4, 3, 4, 4, 4, 0, 0)
    # The same token again: already used.
    assert client.post(CONFIRM, {"token": token_of(preview)}).status_code == 404

    weekly = xlsx(
        {
            "Изменения": [
                PUPIL_HEADERS,
                pupil_row(world, "Андреев"),
                pupil_row(world, "Борисов", birth="11.04.2015", klass="5А", on=day(world, 14)),
                pupil_row(world, "Дмитриев", on=day(world, 14), order="44-у"),
            ]
        }
    )
    preview = upload(client, weekly, "изменения.xlsx")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Ученики: без изменений — 1, перевести — 1, добавить — 1" in html
    after_first = school_counts()
    client.post(CONFIRM, {"token": token_of(preview)})
    now = school_counts()
    assert now[0] == after_first[0] + 1  # Дмитриев only: nobody twice
    assert now[1] == after_first[1]  # their mother is known by name and phone
    assert now[4] == after_first[4] + 2  # Дмитриев enrolled, Борисов moved
    with schema_context("school1"):
        moved = Pupil.objects.get(user__last_name="Борисов")
        assert moved.class_group == world.class5a
        movement = moved.movements.get(kind=Movement.Kind.MOVED)
        assert (movement.class_from, movement.class_to) == (world.class5b, world.class5a)
        assert Pupil.objects.filter(user__last_name="Андреев").count() == 1


def test_csv_in_utf8_with_bom_and_semicolons_works(world: World, page_client: Any) -> None:
    client = page_client("journal_admin")
    before = school_counts()
    lines = [PUPIL_HEADERS, pupil_row(world, "Сидоров"), pupil_row(world, "Петров")]
    text = "\r\n".join(";".join(str(c) for c in line) for line in lines)
    preview = upload(client, text.encode("utf-8-sig"), "список.csv")
    assert preview.status_code == 200, preview.content.decode()
    client.post(CONFIRM, {"token": token_of(preview)})
    assert school_counts()[:4] == (before[0] + 2, before[1] + 1, before[2] + 2, before[3] + 2)


def test_the_template_downloads_and_reads_back(world: World, page_client: Any) -> None:
    response = page_client("secretary").get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Сотрудники", "Классы", "Ученики и родители"]
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 2 and all(isinstance(h, str) for h in rows[0])
    header = next(book["Ученики и родители"].iter_rows(values_only=True))
    assert header == tuple(PUPIL_HEADERS)


def confirm_queries(
    client: Client, world: World, names: list[str], budget: Any = CaptureQueriesContext
) -> int:
    """The SQL queries of confirming a checked file of `names` (each with a mother)."""
    rows = [
        pupil_row(world, n, parent=(f"{n}а", "Мать", f"+7 900 {i:03d}-00-00", "мать"))
        for i, n in enumerate(names)
    ]
    preview = upload(client, xlsx({"Ученики": [PUPIL_HEADERS, *rows]}))
    token = token_of(preview)
    with budget(connection) as ctx:
        assert client.post(CONFIRM, {"token": token}).status_code == 302
    return len(ctx.captured_queries)


def test_the_confirmation_costs_a_constant_number_of_queries_per_row(
    world: World, page_client: Any, django_assert_max_num_queries: Any
) -> None:
    """Each row is a pupil, a parent, a link and a consent through the services: the cost
    per row stays a constant, not a search of the school per row."""
    client = page_client("secretary")
    two = confirm_queries(client, world, ["Аа", "Бб"])
    eight = confirm_queries(client, world, ["Вв", "Гг", "Дд", "Ее", "Жж", "Зз", "Ии", "Кк"])
    per_row = (eight - two) / 6
    # 42 measured: four services per row, each in its savepoint, with the object rights
    # (django-guardian) and the access log they write; the school is read once per file.
    assert per_row <= 45, per_row
    # twelve rows within a fixed budget: the file's own reads (about 20) + 45 per row
    names = [f"Ученикдвенадцать{i:02d}" for i in range(12)]

    def budget(_: Any) -> Any:
        return django_assert_max_num_queries(30 + 12 * 45)

    confirm_queries(client, world, names, budget)


def test_others_get_403_and_another_school_gets_404_with_nothing_changed(
    world: World, page_client: Any, school2_user: Any
) -> None:
    secretary = page_client("secretary")
    preview = upload(secretary, class_list(world, bad=False))
    token = token_of(preview)
    before = school_counts()
    for persona in ("teacher", "class_teacher", "pupil", "parent"):
        client = page_client(persona)
        assert client.get(PAGE).status_code == 403, persona
        assert client.get(TEMPLATE).status_code == 403, persona
        assert upload(client, class_list(world, bad=False)).status_code == 403, persona
        assert client.post(CONFIRM, {"token": token}).status_code == 403, persona
    # Another member of staff of this school cannot confirm the secretary's file.
    assert page_client("journal_admin").post(CONFIRM, {"token": token}).status_code == 404
    other = school2_user("secretary")
    assert other.post(CONFIRM, {"token": token}).status_code == 404
    assert school_counts() == before
    # The secretary still can.
    assert secretary.post(CONFIRM, {"token": token}).status_code == 302
    assert school_counts()[0] == before[0] + 4
