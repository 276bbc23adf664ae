"""The roster import service (SET-3, SET-4, SET-6): check without writing, all-or-nothing
save through the roster services, weekly changes that move and never duplicate."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context
from openpyxl import Workbook, load_workbook

from core.errors import ApplicationError
from journal.roster import importing
from journal.roster.models import Consent, Guardian, GuardianLink, Movement, Pupil, RosterImport
from journal.structure.models import ClassGroup, StaffMember
from tests.world import World

PUPIL_HEADERS = [header for header, _ in importing.PUPIL_COLUMNS.values()]


def day(world: World, days: int = 0) -> str:
    """A date of the world's school year as a secretary writes it: its first day + `days`."""
    return f"{world.year.starts_on + dt.timedelta(days=days):%d.%m.%Y}"


def pupil_row(
    world: World,
    last: str,
    *,
    first: str = "Олег",
    birth: str = "05.03.2015",
    klass: str = "5Б",
    on: str = "",
    order: str = "12-у",
    parent: tuple[str, str, str, str] | None = ("Мамина", "Ольга", "+7 900 000-00-01", "мать"),
    consent: tuple[str, str] | None = None,
) -> list[Any]:
    on = on or day(world)
    consent = consent or (day(world, -4), "согл. 1")
    p = ["", "", "", "", "", ""]
    if parent:
        p = [parent[0], parent[1], "", parent[2], "", parent[3]]
    return [last, first, "", birth, klass, on, order, *p, "", "", "", "", "", "", *consent]


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Pupil.objects.count(),
        Guardian.objects.count(),
        GuardianLink.objects.count(),
        Consent.objects.count(),
        Movement.objects.count(),
        StaffMember.objects.count(),
        ClassGroup.objects.count(),
    )


def imported(content: bytes, by: Any, filename: str = "list.xlsx") -> importing.ImportResult:
    check, token = importing.roster_import_prepare(content=content, filename=filename, by=by)
    assert not check.error_count, [(r.where, r.errors) for r in check.bad_rows] + check.file_errors
    assert token is not None
    pending = importing.roster_import_pending(token=token, for_user=by)
    assert pending is not None
    return importing.roster_import_apply(pending=pending, by=by)


def test_check_lists_each_bad_row_in_russian_and_writes_nothing(world: World) -> None:
    """SET-6: a preview with per-row errors; nothing saved."""
    with schema_context("school1"):
        before = counts()
        content = xlsx(
            {
                "Ученики": [
                    PUPIL_HEADERS,
                    pupil_row(world, "Хороший"),
                    pupil_row(world, "Бездаты", birth=""),
                    pupil_row(world, "Безкласса", klass="5Я"),
                ]
            }
        )
        check, token = importing.roster_import_prepare(
            content=content, filename="a.xlsx", by=world.users["secretary"]
        )
        assert token is None and check.error_count == 2
        assert [r.line for r in check.bad_rows] == [3, 4]
        assert "Дата рождения — ДД.ММ.ГГГГ" in check.bad_rows[0].errors[0]
        assert check.bad_rows[1].errors == ["Класса 5Я нет в текущем учебном году."]
        assert counts() == before and not RosterImport.objects.exists()


def test_staff_classes_pupils_and_parents_come_in_and_a_weekly_list_moves_without_duplicates(
    world: World,
) -> None:
    """SET-3, SET-4, SET-6: the whole school in one XLSX, then the weekly changes list."""
    with schema_context("school1"):
        boss = world.users["journal_admin"]
        before = counts()
        staff_headers = [h for h, _ in importing.STAFF_COLUMNS.values()]
        class_headers = [h for h, _ in importing.CLASS_COLUMNS.values()]
        first = xlsx(
            {
                "Сотрудники": [
                    staff_headers,
                    ["Новикова", "Мария", "", "novikova", "", "учитель физики", "учитель"],
                ],
                "Классы": [class_headers, ["5В", "novikova"]],
                "Ученики": [
                    PUPIL_HEADERS,
                    pupil_row(world, "Первый", klass="5В"),
                    # the same mother: one parent, two links
                    pupil_row(world, "Второй", klass="5В"),
                    pupil_row(world, "Третий", parent=("Папин", "Илья", "89001112233", "отец")),
                ],
            }
        )
        result = imported(first, boss)
        assert counts()[:4] == (before[0] + 3, before[1] + 2, before[2] + 3, before[3] + 3)
        assert counts()[5:] == (before[5] + 1, before[6] + 1)
        assert result.guardians_created == 2 and result.links_created == 3
        class5v = ClassGroup.objects.get(year=world.year, grade=5, letter="В")
        assert class5v.class_teacher is not None
        assert class5v.class_teacher.user.username == "novikova"
        mother = Guardian.objects.get(user__last_name="Мамина")
        assert mother.links.count() == 2
        second = Pupil.objects.get(user__last_name="Второй")
        assert second.consents.get().guardian == mother
        # The staff list again: Новикова is known by her login; her position is corrected.
        again = [staff_headers, ["Новикова", "Мария", "", "novikova", "", "учитель химии", ""]]
        result = imported(xlsx({"Сотрудники": again}), boss)
        assert result.counts == {"staff": {"update": 1}} and counts()[5] == before[5] + 1
        assert StaffMember.objects.get(user__username="novikova").position == "учитель химии"
        # The weekly changes: «Второй» moved to 5Б, a new pupil, the rest as they were
        # (the father's phone written with 8 instead of +7: still the same parent).
        after_first = counts()
        weekly = xlsx(
            {
                "Ученики": [
                    PUPIL_HEADERS,
                    pupil_row(world, "Первый", klass="5В"),
                    pupil_row(world, "Второй", klass="5Б", on=day(world, 14), order="40-у"),
                    pupil_row(
                        world, "Третий", parent=("Папин", "Илья", "+7 (900) 111-22-33", "отец")
                    ),
                    pupil_row(world, "Новенький", klass="5В", on=day(world, 14), order="41-у"),
                ]
            }
        )
        result = imported(weekly, world.users["secretary"])
        assert result.counts["pupils"] == {"same": 2, "move": 1, "create": 1}
        now = counts()
        assert now[0] == after_first[0] + 1  # one new pupil, nobody twice
        assert now[1] == after_first[1]  # the mother is known
        assert now[2] == after_first[2] + 1 and now[3] == after_first[3] + 1
        second.refresh_from_db()
        assert second.class_group == world.class5b
        move = second.movements.get(kind=Movement.Kind.MOVED)
        assert (move.class_from, move.class_to, move.order_number) == (
            class5v,
            world.class5b,
            "40-у",
        )
        assert move.on_date == world.year.starts_on + dt.timedelta(days=14)
        assert second.memberships.get(date_to__isnull=False).class_group == class5v


def test_a_pupil_marked_as_left_in_the_weekly_list_leaves_the_school(world: World) -> None:
    """SET-4: «выбыл» in the class column is the movement «Выбыл в другую школу»."""
    with schema_context("school1"):
        by = world.users["secretary"]
        imported(xlsx({"Ученики": [PUPIL_HEADERS, pupil_row(world, "Уходящий")]}), by)
        before = counts()
        weekly = [
            PUPIL_HEADERS,
            pupil_row(world, "Уходящий", klass="выбыл", on=day(world, 21), order="50-у"),
            pupil_row(world, "Незнакомый", klass="выбыл", on=day(world, 21), order="51-у"),
        ]
        check, token = importing.roster_import_prepare(
            content=xlsx({"Ученики": weekly}), filename="w.xlsx", by=by
        )
        assert token is None and [r.errors for r in check.bad_rows] == [
            ["Выбывший обучающийся не найден в школе (ФИО и дата рождения)."]
        ]
        imported(xlsx({"Ученики": weekly[:2]}), by)
        pupil = Pupil.objects.get(user__last_name="Уходящий")
        assert pupil.class_group is None
        assert pupil.movements.last().kind == Movement.Kind.TRANSFERRED_OUT  # type: ignore[union-attr]
        assert counts()[:4] == before[:4] and counts()[4] == before[4] + 1
        # the same list again: nothing more happens
        result = imported(xlsx({"Ученики": weekly[:2]}), by)
        assert result.counts["pupils"] == {"same": 1} and counts()[4] == before[4] + 1


def test_csv_with_bom_and_semicolons_reads_as_the_xlsx(world: World) -> None:
    with schema_context("school1"):
        before = counts()
        lines = [PUPIL_HEADERS, pupil_row(world, "Сиэсвишный")]
        text = "\n".join(";".join(str(c) for c in line) for line in lines)
        imported(text.encode("utf-8-sig"), world.users["secretary"], "list.csv")
        assert counts()[:4] == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1)
        pupil = Pupil.objects.get(user__last_name="Сиэсвишный")
        assert pupil.birth_date is not None and pupil.birth_date.isoformat() == "2015-03-05"
        # a line typed by hand, shorter than the header, is read as far as it goes
        short = f"{';'.join(PUPIL_HEADERS)}\nКороткий;Иван;;01.02.2015;5Б;{day(world)};13-у\n"
        imported(short.encode("cp1251"), world.users["secretary"], "short.csv")
        assert Pupil.objects.filter(user__last_name="Короткий", class_group=world.class5b).exists()


def test_a_secretary_cannot_create_classes_and_nothing_is_half_saved(world: World) -> None:
    with schema_context("school1"):
        before = counts()
        content = xlsx(
            {
                "Классы": [["Класс"], ["5Г"]],
                "Ученики": [PUPIL_HEADERS, pupil_row(world, "Вгэ", klass="5Г")],
            }
        )
        check, token = importing.roster_import_prepare(
            content=content, filename="a.xlsx", by=world.users["secretary"]
        )
        assert token is None
        assert check.bad_rows[0].errors == [
            "Новые классы создаёт администратор ЭЖ или заместитель директора."
        ]
        assert counts() == before


def test_the_confirmation_rechecks_and_saves_all_or_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with schema_context("school1"):
        by = world.users["secretary"]
        rows = [PUPIL_HEADERS, pupil_row(world, "Один"), pupil_row(world, "Два")]
        content = xlsx({"Ученики": rows})
        _, token = importing.roster_import_prepare(content=content, filename="a.xlsx", by=by)
        assert token is not None
        pending = importing.roster_import_pending(token=token, for_user=by)
        assert pending is not None
        before = counts()
        # The school changed after the preview (the class is gone from the stored rows):
        # the confirmation checks again and refuses.
        pending.tables[1]["values"]["class"] = "5Я"
        pending.save()
        with pytest.raises(ApplicationError, match="изменились после проверки"):
            importing.roster_import_apply(pending=pending, by=by)
        assert counts() == before
        # A service refusing the second row undoes the first one too.
        pending.tables[1]["values"]["class"] = "5Б"
        pending.save()
        calls = []
        real = importing.roster.consent_record

        def consent_record(**kwargs: Any) -> Any:
            calls.append(kwargs)
            if len(calls) == 2:
                raise ValidationError({"signed_on": ["Дата согласия не может быть в будущем."]})
            return real(**kwargs)

        monkeypatch.setattr(importing.roster, "consent_record", consent_record)
        with pytest.raises(ApplicationError, match="строка 3: Дата согласия"):
            importing.roster_import_apply(pending=pending, by=by)
        assert counts() == before and len(calls) == 2
        # Another user's token is not found.
        assert importing.roster_import_pending(token=token, for_user=world.users["deputy"]) is None


def test_the_template_has_a_sheet_per_list_with_russian_headers_and_an_example() -> None:
    book = load_workbook(io.BytesIO(importing.roster_template()))
    assert book.sheetnames == ["Сотрудники", "Классы", "Ученики и родители"]
    pupils = list(book["Ученики и родители"].iter_rows(values_only=True))
    assert len(pupils) == 2
    assert pupils[0][:5] == ("Фамилия", "Имя", "Отчество", "Дата рождения", "Класс")
    assert pupils[1][0] == "Иванов"


def test_unknown_file_kinds_are_refused_in_russian(world: World) -> None:
    with schema_context("school1"):
        check, token = importing.roster_import_prepare(
            content=b"x", filename="list.docx", by=world.users["secretary"]
        )
        assert token is None
        assert check.file_errors == ["Списки загружаются из файла XLSX или CSV."]
        with pytest.raises(ValidationError):
            importing.roster_file_read(content=b"x", filename="a.pdf")
