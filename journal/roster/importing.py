"""Bringing a school's lists in from the secretary's files (SET-3, SET-4, SET-6).

One XLSX (a sheet per list) or one CSV (one list) with a header row; each table is
recognised by its columns: staff, classes, or pupils with their parents and consent.
`roster_import_check` reads the file (tablib) and checks every row against the school
without writing anything; `roster_import_prepare` keeps the checked rows server-side
(`RosterImport`, a token); `roster_import_apply` saves them all or nothing, through the
roster and structure services.

Re-importing the weekly changes list never duplicates a person: a pupil is recognised by
last name + first name + patronymic + birth date, a parent by name + phone or e-mail, a
member of staff by login, a class by its title in the current year. A known pupil listed
in another class is moved (the movement record of `pupil_move`); a known parent gets the
missing links and contacts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import roles
from core.errors import ApplicationError
from journal.access import ROSTER_MANAGERS, STRUCTURE_MANAGERS, require_roles, scope_for
from journal.roster import services as roster
from journal.roster.models import Consent, Guardian, GuardianLink, Movement, Pupil, RosterImport
from journal.structure import services as structure
from journal.structure.models import ClassGroup, StaffMember
from journal.structure.selectors import academic_year_current

MAX_ROWS = 3000

# The columns of each list: field -> the Russian header (the template's) and its aliases.
STAFF_COLUMNS = {
    "last_name": ("Фамилия", ()),
    "first_name": ("Имя", ()),
    "patronymic": ("Отчество", ()),
    "username": ("Логин", ("имя пользователя",)),
    "email": ("E-mail", ("email", "электронная почта", "эл. почта")),
    "position": ("Должность", ()),
    "roles": ("Роли", ("роль",)),
}
CLASS_COLUMNS = {
    "class": ("Класс", ()),
    "class_teacher": ("Классный руководитель (логин)", ("классный руководитель",)),
}
PARENT_FIELDS = ("last_name", "first_name", "patronymic", "phone", "email", "relation")
PARENT_HEADERS = ("фамилия", "имя", "отчество", "телефон", "e-mail", "кем приходится")
PUPIL_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "last_name": ("Фамилия", ("фамилия ученика", "фамилия обучающегося")),
    "first_name": ("Имя", ("имя ученика", "имя обучающегося")),
    "patronymic": ("Отчество", ("отчество ученика", "отчество обучающегося")),
    "birth_date": ("Дата рождения", ()),
    "class": ("Класс", ()),
    "on_date": (
        "Дата зачисления или перевода",
        ("дата зачисления", "дата приказа", "дата движения"),
    ),
    "order_number": ("Номер приказа", ("приказ",)),
    **{
        f"p{n}_{name}": (f"Родитель {n}: {header}", ())
        for n in (1, 2)
        for name, header in zip(PARENT_FIELDS, PARENT_HEADERS, strict=True)
    },
    "consent_on": ("Согласие: дата", ("дата согласия",)),
    "consent_ref": ("Согласие: номер или скан", ("номер согласия",)),
}
KINDS = {"staff": STAFF_COLUMNS, "classes": CLASS_COLUMNS, "pupils": PUPIL_COLUMNS}
SHEET_TITLES = {"staff": "Сотрудники", "classes": "Классы", "pupils": "Ученики и родители"}
EXAMPLES = {
    "staff": ["Новикова", "Мария", "Петровна", "novikova", "novikova@example.ru",
              "учитель физики", "учитель"],
    "classes": ["5В", "novikova"],
    "pupils": ["Иванов", "Пётр", "Сергеевич", "05.03.2015", "5В", "01.09.2026", "12-у",
               "Иванова", "Елена", "Викторовна", "+7 900 123-45-67", "", "мать",
               "", "", "", "", "", "",
               "28.08.2026", "согл. 15/2026"],
}  # fmt: skip
ROLE_WORDS = {
    "учитель": roles.TEACHER,
    "секретарь": roles.SECRETARY,
    "заместитель": roles.DEPUTY,
    "заместитель директора": roles.DEPUTY,
    "администратор": roles.JOURNAL_ADMIN,
    "администратор эж": roles.JOURNAL_ADMIN,
    "директор": roles.DIRECTOR,
}
RELATION_WORDS = {
    "мать": GuardianLink.Relation.MOTHER,
    "мама": GuardianLink.Relation.MOTHER,
    "отец": GuardianLink.Relation.FATHER,
    "папа": GuardianLink.Relation.FATHER,
    "опекун": GuardianLink.Relation.GUARDIAN,
    "иной": GuardianLink.Relation.OTHER,
    "иной законный представитель": GuardianLink.Relation.OTHER,
}
LEAVING_WORDS = {"выбыл", "выбыла", "выбыл(а)"}
ACTIONS = {
    "create": "добавить",
    "move": "перевести",
    "leave": "выбытие",
    "update": "дополнить",
    "same": "без изменений",
    "error": "с ошибками",
}


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "").replace("ё", "е").replace("Ё", "Е")).strip()


def _key(text: Any) -> str:
    return _norm(text).lower().rstrip("*").strip()


def _aliases(columns: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    found = {}
    for name, (header, aliases) in columns.items():
        for word in (header, *aliases):
            found[_key(word)] = name
    return found


def _kind_of(headers: list[str]) -> str | None:
    keys = {_key(h) for h in headers}
    if "логин" in keys or "роли" in keys:
        return "staff"
    if "дата рождения" in keys:
        return "pupils"
    if "класс" in keys and "фамилия" not in keys:
        return "classes"
    return None


@dataclass
class Row:
    """One line of a list as checked: what will happen to it, or what is wrong with it."""

    sheet: str
    line: int
    kind: str
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    action: str = "create"
    notes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"«{self.sheet}», строка {self.line}"

    @property
    def action_title(self) -> str:
        return ACTIONS[self.action]

    @property
    def title(self) -> str:
        v = self.values
        if self.kind == "classes":
            return v.get("class", "")
        parts = (v.get("last_name"), v.get("first_name"), v.get("patronymic"))
        name = " ".join(x for x in parts if x)
        return f"{name}, {v['class']}" if self.kind == "pupils" and v.get("class") else name


@dataclass
class ImportCheck:
    """The checked file: its rows and the errors of the file as a whole."""

    rows: list[Row]
    file_errors: list[str]

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for r in self.rows if r.errors)

    @property
    def bad_rows(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    def counts(self) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for r in self.rows:
            per = found.setdefault(r.kind, {})
            action = "error" if r.errors else r.action
            per[action] = per.get(action, 0) + 1
        return found


# ---------------------------------------------------------------- reading the file


def _cell(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _norm(value)


def _datasets(content: bytes, filename: str) -> list[tuple[str, tablib.Dataset]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            book = tablib.Databook().load(io.BytesIO(content), "xlsx")
        except Exception as exc:
            raise ValidationError({"file": ["Не удалось прочитать файл XLSX."]}) from exc
        return [(sheet.title or "Лист", sheet) for sheet in book.sheets()]
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1251", errors="replace")
        first = text.splitlines()[0] if text.strip() else ""
        delimiter = ";" if ";" in first else ","
        # csv reads the lines; a line shorter or longer than the header (typed by hand) is
        # padded or cut to it rather than refusing the file (tablib wants equal widths).
        lines = [line for line in csv.reader(io.StringIO(text), delimiter=delimiter) if line]
        if not lines:
            return []
        width = len(lines[0])
        rows = [(line + [""] * width)[:width] for line in lines[1:]]
        return [("CSV", tablib.Dataset(*rows, headers=lines[0]))]
    raise ValidationError({"file": ["Списки загружаются из файла XLSX или CSV."]})


def roster_file_read(*, content: bytes, filename: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The lists of a file as plain rows (JSON-ready): `[{sheet, kind, line, values}]`,
    and the file's own errors (an unknown table, a missing column)."""
    tables: list[dict[str, Any]] = []
    errors: list[str] = []
    for title, data in _datasets(content, filename):
        headers = [_norm(h) for h in (data.headers or [])]
        if not any(headers):
            continue
        kind = _kind_of(headers)
        if kind is None:
            errors.append(
                f"«{title}»: не узнан список по заголовкам. Возьмите заголовки из шаблона "
                "(сотрудники: «Логин», «Роли»; классы: «Класс»; ученики: «Дата рождения»)."
            )
            continue
        aliases = _aliases(KINDS[kind])
        names = [aliases.get(_key(h)) for h in headers]
        for line, raw in enumerate(data, start=2):
            values = {n: _cell(v) for n, v in zip(names, raw, strict=False) if n}
            if any(values.values()):
                tables.append({"sheet": title, "kind": kind, "line": line, "values": values})
    if len(tables) > MAX_ROWS:
        errors.append(f"В файле больше {MAX_ROWS} строк: разделите его на несколько.")
    elif not tables and not errors:
        errors.append("В файле нет ни одной строки списка.")
    return tables, errors


def _date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    return digits


def _person_key(v: dict[str, str], prefix: str = "") -> tuple[str, str, str]:
    return tuple(_key(v.get(f"{prefix}{f}", "")) for f in ("last_name", "first_name", "patronymic"))  # type: ignore[return-value]


CLASS_RE = re.compile(r"^(\d{1,2})\s*-?\s*«?\"?([А-ЯA-Z]{1,3})»?\"?$")
LATIN = str.maketrans("ABCEHKMOPTX", "АВСЕНКМОРТХ")


def _class_title(text: str) -> tuple[int, str] | None:
    match = CLASS_RE.match(_norm(text).upper().translate(LATIN))
    if not match or not 1 <= int(match.group(1)) <= 11:
        return None
    return int(match.group(1)), match.group(2)


@dataclass
class _School:
    """What the check compares the file with: one read of each kind of person."""

    classes: dict[tuple[int, str], ClassGroup]
    staff: dict[str, StaffMember]
    pupils: dict[tuple[Any, ...], Pupil]
    guardians: list[Guardian]
    open_since: dict[int, dt.date]
    consented: set[int]
    links: set[tuple[int, int]]
    # what the file itself adds, so that later rows may name it
    new_classes: set[tuple[int, str]] = field(default_factory=set)
    new_staff: set[str] = field(default_factory=set)
    seen_pupils: set[tuple[Any, ...]] = field(default_factory=set)


def _school_read(tables: list[dict[str, Any]]) -> _School:
    year = academic_year_current()
    classes = {
        (c.grade, c.letter): c for c in ClassGroup.objects.filter(year=year) if year is not None
    }
    logins = {_key(t["values"].get("username")) for t in tables if t["kind"] == "staff"}
    logins |= {_key(t["values"].get("class_teacher")) for t in tables if t["kind"] == "classes"}
    staff = {
        s.user.username.lower(): s
        for s in StaffMember.objects.filter(user__username__in=logins - {""}).select_related("user")
    }
    pupil_rows = [t["values"] for t in tables if t["kind"] == "pupils"]
    surnames = {_norm(v.get("last_name")) for v in pupil_rows}
    pupils: dict[tuple[Any, ...], Pupil] = {}
    for p in Pupil.objects.filter(user__last_name__in=surnames).select_related("user"):
        u = p.user
        pupils[(*_person_key(vars(u)), p.birth_date)] = p
    parents = {_norm(v.get(f"p{n}_last_name")) for v in pupil_rows for n in (1, 2)}
    guardians = list(
        Guardian.objects.filter(user__last_name__in=parents - {""}).select_related("user")
    )
    ids = [p.pk for p in pupils.values()]
    open_since = dict(
        Pupil.objects.filter(pk__in=ids, memberships__date_to__isnull=True).values_list(
            "pk", "memberships__date_from"
        )
    )
    consented = set(
        Consent.objects.filter(pupil_id__in=ids, revoked_on__isnull=True).values_list(
            "pupil_id", flat=True
        )
    )
    links = set(
        GuardianLink.objects.filter(pupil_id__in=ids).values_list("guardian_id", "pupil_id")
    )
    return _School(classes, staff, pupils, guardians, open_since, consented, links)


def _check_staff(row: Row, school: _School, scope: Any) -> None:
    v = row.values
    login = _key(v.get("username"))
    if not v.get("last_name") or not v.get("first_name"):
        row.errors.append("Укажите фамилию и имя сотрудника.")
    if not login:
        row.errors.append(
            "Укажите логин сотрудника: по нему сотрудник узнаётся при повторной загрузке."
        )
    elif login in school.new_staff:
        row.errors.append(f"Логин «{login}» уже встречается в файле выше.")
    words = [_key(w) for w in re.split(r"[,;]", v.get("roles", "")) if w.strip()]
    bad = [w for w in words if w not in ROLE_WORDS]
    if bad:
        row.errors.append(
            "Роли: учитель, секретарь, заместитель, администратор ЭЖ, директор "
            f"(не понятно: {', '.join(bad)})."
        )
    elif roles.DIRECTOR in {ROLE_WORDS[w] for w in words} and not scope.has(
        roles.DIRECTOR, roles.JOURNAL_ADMIN
    ):
        row.errors.append("Назначить директора может только директор или администратор ЭЖ.")
    if login in school.staff:
        known = school.staff[login]
        row.action = "same"
        if v.get("position") and v["position"] != known.position:
            row.notes.append(f"должность: {v['position']}")
        if v.get("email") and _key(v["email"]) != known.user.email.lower():
            row.notes.append(f"e-mail: {v['email']}")
        if row.notes:
            row.action = "update"
    elif login:
        school.new_staff.add(login)


def _check_class(row: Row, school: _School, scope: Any) -> None:
    title = _class_title(row.values.get("class", ""))
    teacher = _key(row.values.get("class_teacher"))
    if title is None:
        row.errors.append("Класс записывается как 5А: параллель от 1 до 11 и литера.")
        return
    if teacher and teacher not in school.staff and teacher not in school.new_staff:
        row.errors.append(f"Нет сотрудника с логином «{teacher}».")
    if title in school.classes or title in school.new_classes:
        row.action = "same"
        row.notes.append("класс уже есть")
        return
    if not scope.roles & STRUCTURE_MANAGERS:
        row.errors.append("Новые классы создаёт администратор ЭЖ или заместитель директора.")
    if academic_year_current() is None:
        row.errors.append("В школе ещё нет учебного года.")
    school.new_classes.add(title)


def _parent_of(row: Row, n: int, school: _School) -> Guardian | None:
    """The known parent the row's parent block names (name + phone or e-mail)."""
    v = row.values
    name = _person_key(v, f"p{n}_")
    phone, email = _phone(v.get(f"p{n}_phone", "")), _key(v.get(f"p{n}_email"))
    for g in school.guardians:
        if _person_key(vars(g.user)) != name:
            continue
        if (phone and _phone(g.phone) == phone) or (email and g.user.email.lower() == email):
            return g
    return None


def _check_parents(row: Row, school: _School, pupil: Pupil | None) -> None:
    v = row.values
    for n in (1, 2):
        block = [v.get(f"p{n}_{f}", "") for f in PARENT_FIELDS]
        if not any(block):
            continue
        who = f"Родитель {n}"
        if not v.get(f"p{n}_last_name") or not v.get(f"p{n}_first_name"):
            row.errors.append(f"{who}: укажите фамилию и имя.")
        if not _phone(v.get(f"p{n}_phone", "")) and not v.get(f"p{n}_email"):
            row.errors.append(
                f"{who}: укажите телефон или e-mail — по ним родитель узнаётся при повторной "
                "загрузке."
            )
        if _key(v.get(f"p{n}_relation")) not in RELATION_WORDS:
            row.errors.append(f"{who}: кем приходится — мать, отец, опекун или иной.")
        known = _parent_of(row, n, school)
        if known is None:
            row.notes.append(f"новый родитель {n}")
        elif pupil is None or (known.pk, pupil.pk) not in school.links:
            row.notes.append(f"связь с родителем {n}")
    consent_on, consent_ref = v.get("consent_on", ""), v.get("consent_ref", "")
    if consent_on or consent_ref:
        try:
            signed = _date(consent_on)
        except ValueError:
            row.errors.append("Дата согласия — ДД.ММ.ГГГГ.")
        else:
            if signed is not None and signed > timezone.localdate():
                row.errors.append("Дата согласия не может быть в будущем.")
        if not consent_ref:
            row.errors.append("Укажите номер согласия или ссылку на скан.")
        if pupil is None or pupil.pk not in school.consented:
            row.notes.append("согласие")


def _check_pupil(row: Row, school: _School, scope: Any) -> None:
    v = row.values
    if not v.get("last_name") or not v.get("first_name"):
        row.errors.append("Укажите фамилию и имя обучающегося.")
    birth = on_date = None
    try:
        birth = _date(v.get("birth_date", ""))
    except ValueError:
        row.errors.append(
            "Дата рождения — ДД.ММ.ГГГГ; она нужна, чтобы при повторной загрузке не появился "
            "второй такой же обучающийся."
        )
    try:
        on_date = _date(v.get("on_date", "")) if v.get("on_date") else None
    except ValueError:
        row.errors.append("Дата зачисления или перевода — ДД.ММ.ГГГГ.")
    leaves = _key(v.get("class")) in LEAVING_WORDS
    title = _class_title(v.get("class", ""))
    if title is None and not leaves:
        row.errors.append("Класс записывается как 5А: параллель от 1 до 11 и литера (или «выбыл»).")
    elif title is None:
        pass
    elif title not in school.classes and title not in school.new_classes:
        row.errors.append(f"Класса {title[0]}{title[1]} нет в текущем учебном году.")
    key = (*_person_key(v), birth)
    if key in school.seen_pupils:
        row.errors.append("Этот обучающийся уже есть в файле выше.")
    school.seen_pupils.add(key)
    pupil = school.pupils.get(key)
    if leaves:
        _check_leaving(row, pupil, on_date, school)
        return
    current = school.classes.get(title) if title else None
    if pupil is None or pupil.class_group_id != (current.pk if current else None):
        if not v.get("order_number"):
            row.errors.append("Укажите номер приказа о зачислении или переводе.")
        if on_date is None:
            row.errors.append("Укажите дату зачисления или перевода.")
    if pupil is None:
        if birth and on_date and birth >= on_date:
            row.errors.append("Дата рождения должна быть раньше даты зачисления.")
    elif current is None or pupil.class_group_id != current.pk:
        row.action = "move"
        since = school.open_since.get(pupil.pk)
        if on_date and since and on_date < since:
            row.errors.append(
                f"Дата перевода раньше зачисления в нынешний класс ({since:%d.%m.%Y})."
            )
    else:
        row.action = "same"
    _check_parents(row, school, pupil)
    if row.action == "same" and row.notes:
        row.action = "update"


def _check_leaving(row: Row, pupil: Pupil | None, on_date: dt.date | None, school: _School) -> None:
    """«выбыл» in the class column: a known pupil leaves the school (SET-4)."""
    if pupil is None:
        row.errors.append("Выбывший обучающийся не найден в школе (ФИО и дата рождения).")
        return
    if pupil.class_group_id is None:
        row.action = "same"
        row.notes.append("уже выбыл")
        return
    row.action = "leave"
    if not row.values.get("order_number"):
        row.errors.append("Укажите номер приказа о выбытии.")
    if on_date is None:
        row.errors.append("Укажите дату выбытия.")
    since = school.open_since.get(pupil.pk)
    if on_date and since and on_date < since:
        row.errors.append(f"Дата выбытия раньше зачисления в нынешний класс ({since:%d.%m.%Y}).")


CHECKS = {"staff": _check_staff, "classes": _check_class, "pupils": _check_pupil}
ORDER = ("staff", "classes", "pupils")


def _checked(tables: list[dict[str, Any]], by: Any) -> tuple[list[Row], _School]:
    scope = scope_for(by)
    school = _school_read(tables)
    rows = [Row(t["sheet"], t["line"], t["kind"], dict(t["values"])) for t in tables]
    # Staff first, then classes (they name their class teacher), then pupils (their class).
    rows.sort(key=lambda r: ORDER.index(r.kind))
    for row in rows:
        CHECKS[row.kind](row, school, scope)
    return rows, school


def roster_import_check(
    *, content: bytes, filename: str, by: Any
) -> tuple[ImportCheck, list[dict[str, Any]]]:
    """Read and check a roster file; nothing is written (SET-6). The check and the rows
    as read (what `roster_import_prepare` keeps)."""
    require_roles(scope_for(by), ROSTER_MANAGERS)
    try:
        tables, file_errors = roster_file_read(content=content, filename=filename)
    except ValidationError as exc:
        return ImportCheck(rows=[], file_errors=list(exc.messages)), []
    rows = _checked(tables, by)[0] if not file_errors else []
    return ImportCheck(rows=rows, file_errors=file_errors), tables


@transaction.atomic
def roster_import_prepare(
    *, content: bytes, filename: str, by: Any
) -> tuple[ImportCheck, str | None]:
    """The preview: check the file and, when every row passed, keep its rows under a token
    for the confirmation (`roster_import_apply`). Nothing of the roster is written."""
    check, tables = roster_import_check(content=content, filename=filename, by=by)
    if check.error_count or not check.rows:
        return check, None
    token = secrets.token_urlsafe(24)
    # One file waits per user: an earlier unconfirmed preview (personal data) goes.
    RosterImport.objects.filter(created_by=by, applied_at__isnull=True).delete()
    RosterImport.objects.create(token=token, created_by=by, filename=filename[:255], tables=tables)
    return check, token


@dataclass
class ImportResult:
    counts: dict[str, dict[str, int]]
    guardians_created: int = 0
    links_created: int = 0
    consents_recorded: int = 0


def _roles_of(text: str) -> list[str]:
    found = [ROLE_WORDS[_key(w)] for w in re.split(r"[,;]", text) if w.strip()]
    return list(dict.fromkeys(found)) or [roles.TEACHER]


def _apply_parents(row: Row, pupil: Pupil, school: _School, by: Any, result: ImportResult) -> None:
    v = row.values
    first: Guardian | None = None
    for n in (1, 2):
        if not any(v.get(f"p{n}_{f}", "") for f in PARENT_FIELDS):
            continue
        guardian = _parent_of(row, n, school)
        phone, email = v.get(f"p{n}_phone", ""), v.get(f"p{n}_email", "")
        if guardian is None:
            guardian = roster.guardian_create(
                last_name=v[f"p{n}_last_name"],
                first_name=v[f"p{n}_first_name"],
                patronymic=v.get(f"p{n}_patronymic", ""),
                phone=phone,
                email=email,
                by=by,
            )
            school.guardians.append(guardian)
            result.guardians_created += 1
        else:
            # the weekly list adds what the school did not have; it never erases
            if phone and not guardian.phone:
                guardian.phone = phone
                guardian.save(update_fields=["phone", "updated_at"])
            if email and not guardian.user.email:
                guardian.user.email = email
                guardian.user.save(update_fields=["email"])
        if (guardian.pk, pupil.pk) not in school.links:
            roster.guardian_link_create(
                guardian=guardian,
                pupil=pupil,
                relation=RELATION_WORDS[_key(v[f"p{n}_relation"])],
                by=by,
            )
            school.links.add((guardian.pk, pupil.pk))
            result.links_created += 1
        first = first or guardian
    if v.get("consent_ref") and pupil.pk not in school.consented:
        roster.consent_record(
            pupil=pupil,
            signed_on=_date(v["consent_on"]) or timezone.localdate(),
            scan_reference=v["consent_ref"],
            guardian=first,
            by=by,
        )
        school.consented.add(pupil.pk)
        result.consents_recorded += 1


def _apply_row(row: Row, school: _School, by: Any, result: ImportResult) -> None:
    v = row.values
    if row.kind == "staff" and row.action == "create":
        school.staff[_key(v["username"])] = structure.staff_member_create(
            username=v["username"],
            last_name=v["last_name"],
            first_name=v["first_name"],
            patronymic=v.get("patronymic", ""),
            email=v.get("email", ""),
            position=v.get("position", ""),
            role_names=_roles_of(v.get("roles", "")),
            by=by,
        )
    elif row.kind == "staff" and row.action == "update":
        # the list is the school's record of positions and addresses: it corrects them
        known = school.staff[_key(v["username"])]
        if v.get("position"):
            known.position = v["position"]
            known.save(update_fields=["position", "updated_at"])
        if v.get("email"):
            known.user.email = v["email"]
            known.user.save(update_fields=["email"])
    elif row.kind == "classes" and row.action == "create":
        grade, letter = _class_title(v["class"]) or (0, "")
        year = academic_year_current()
        assert year is not None  # the check refused a file without a year
        school.classes[(grade, letter)] = structure.class_group_create(
            year=year,
            grade=grade,
            letter=letter,
            class_teacher=school.staff.get(_key(v.get("class_teacher"))),
            by=by,
        )
    elif row.kind == "pupils":
        _apply_pupil(row, school, by, result)


def _apply_pupil(row: Row, school: _School, by: Any, result: ImportResult) -> None:
    v = row.values
    birth = _date(v["birth_date"])
    key = (*_person_key(v), birth)
    pupil = school.pupils.get(key)
    if row.action == "leave":
        assert pupil is not None  # checked
        roster.pupil_move(
            pupil=pupil,
            kind=Movement.Kind.TRANSFERRED_OUT,
            on_date=_date(v["on_date"]) or timezone.localdate(),
            order_number=v["order_number"],
            by=by,
        )
        return
    if row.action == "same" and _key(v.get("class")) in LEAVING_WORDS:
        return  # left before
    title = _class_title(v["class"])
    class_group = school.classes[title] if title else None
    assert class_group is not None  # checked
    if pupil is None:
        pupil = roster.pupil_create(
            last_name=v["last_name"],
            first_name=v["first_name"],
            patronymic=v.get("patronymic", ""),
            birth_date=birth,
            class_group=class_group,
            enrolled_on=_date(v["on_date"]) or timezone.localdate(),
            order_number=v["order_number"],
            by=by,
        )
        school.pupils[key] = pupil
    elif row.action == "move":
        kind = Movement.Kind.MOVED if pupil.class_group_id else Movement.Kind.TRANSFERRED_IN
        roster.pupil_move(
            pupil=pupil,
            kind=kind,
            on_date=_date(v["on_date"]) or timezone.localdate(),
            order_number=v["order_number"],
            class_to=class_group,
            by=by,
        )
    _apply_parents(row, pupil, school, by, result)


def roster_import_pending(*, token: str, for_user: Any) -> RosterImport | None:
    """The user's own checked file waiting for confirmation, or None (another user's, an
    applied one, another school's token: none of them is found)."""
    require_roles(scope_for(for_user), ROSTER_MANAGERS)
    return RosterImport.objects.filter(
        token=token, created_by=for_user, applied_at__isnull=True
    ).first()


@transaction.atomic
def roster_import_apply(*, pending: RosterImport, by: Any) -> ImportResult:
    """Save a checked file, all or nothing (SET-4, SET-6): the rows are checked again
    against the school as it is now, then written through the roster and structure
    services (enrolment and movement records, links, consent) in one transaction."""
    require_roles(scope_for(by), ROSTER_MANAGERS)
    pending = RosterImport.objects.select_for_update().get(pk=pending.pk)
    if pending.applied_at is not None or pending.created_by_id != by.pk:
        raise ApplicationError("Этот файл уже загружен.")
    rows, _ = _checked(pending.tables, by)
    bad = [r for r in rows if r.errors]
    if bad:
        raise ApplicationError(
            "Списки школы изменились после проверки: загрузите файл ещё раз. "
            + " ".join(f"{r.where}: {' '.join(r.errors)}" for r in bad[:5])
        )
    school = _school_read(pending.tables)
    result = ImportResult(counts=ImportCheck(rows, []).counts())
    for row in rows:
        try:
            _apply_row(row, school, by, result)
        except ValidationError as exc:
            raise ApplicationError(f"{row.where}: {' '.join(exc.messages)}") from exc
    # The rows are in the roster now; the copy of the file's personal data is not kept.
    pending.applied_at = timezone.now()
    pending.tables = []
    pending.save(update_fields=["applied_at", "tables", "updated_at"])
    return result


def roster_template() -> bytes:
    """The template a secretary fills in: a sheet per list, the header row and one example
    row each (Russian column names)."""
    book = tablib.Databook()
    for kind in ORDER:
        headers = [header for header, _ in KINDS[kind].values()]
        sheet = tablib.Dataset(EXAMPLES[kind], headers=headers, title=SHEET_TITLES[kind])
        book.add_sheet(sheet)
    return bytes(book.export("xlsx"))
