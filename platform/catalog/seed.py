"""Seed data of the catalog: the default regulation, period schemes, REP-1/REP-2 forms.

Loaded by the data migrations `0003_seed` and `0004_seed_regulation_v2` and by
`manage.py catalog_seed` (idempotent: rows are found by their codes and numbers and never
changed once they exist; a changed rule belongs in a new version). Works with historical
models (`apps` of a migration) or the real ones.

The default regulation is the strictest common reading of the seed regulations in
`shared/seeds/` (000..004): where they disagree, the value that keeps every one of them is
taken, or, where a value is a local decision, the more frequent one; each rule cites its
clauses in `sources`. The latest version's values equal the built-in
`catalog.rules.DEFAULT_RULES` (a test keeps them in step), so adopting it changes nothing a
journal relies on.

Version 1 read 004 §8.6's seven days as a window for correcting marks; the clause ends
«Исправление отметок не допускаются», and 000 §3.9 and 002 п.5 ж) forbid corrections too.
Version 2 forbids corrections of marks, gives the seven days to mending errors, gaps and
remarks in the lesson records, and adds the rules of issue 10 (deadlines counted from the
end of the lessons, written work per kind, sign-in methods, who issues temporary logins).
Version 1 is kept as it was published: schools that adopted it keep it until they roll
forward (adoption is the school's own act, TPL-6).
"""

from __future__ import annotations

from typing import Any

DEFAULT_REGULATION_CODE = "ezh-default"
DEFAULT_SCHEME_CODE = "quarters-half-years"

# Version 1 exactly as `0003_seed` published it. Never change it.
DEFAULT_RULES_SEED_V1: dict[str, Any] = {
    "mark_scale": [2, 3, 4, 5],
    "grades_without_marks": [1],
    "mark_entry_deadline_hours": 24,
    "homework_deadline_hours": 0,
    "written_work_mark_deadline_days": 7,
    "backdating_window_days": 0,
    "correction": {
        "allowed": True,
        "window_days": 7,
        "roles": ["deputy", "director"],
        "reason_required": True,
    },
    "paper_copy_cadence": {"2-9": "quarter", "10-11": "half_year"},
    "parent_printout_days": 7,
    "retention_journal_years": 5,
    "retention_summary_years": 25,
    "min_marks_per_weekly_hour": 1,
    "systematic_absence_threshold": 3,
    "work_kinds": [
        {"code": "oral", "title": "Ответ на уроке", "weight": 1},
        {"code": "homework", "title": "Домашняя работа", "weight": 1},
        {"code": "independent", "title": "Самостоятельная работа", "weight": 2},
        {"code": "practical", "title": "Практическая работа", "weight": 2},
        {"code": "lab", "title": "Лабораторная работа", "weight": 2},
        {"code": "dictation", "title": "Диктант", "weight": 3},
        {"code": "essay", "title": "Сочинение", "weight": 3},
        {"code": "test", "title": "Контрольная работа", "weight": 3},
    ],
}

_WRITTEN = {"independent", "practical", "lab", "dictation", "essay", "test"}
DEFAULT_RULES_SEED: dict[str, Any] = {
    **DEFAULT_RULES_SEED_V1,
    "mark_entry_deadline_from": "day_end",
    "correction": {
        "allowed": False,
        "window_days": 7,
        "roles": ["deputy", "director"],
        "reason_required": True,
    },
    "work_kinds": [
        {**kind, "written": kind["code"] in _WRITTEN, "mark_deadline_days": None}
        for kind in DEFAULT_RULES_SEED_V1["work_kinds"]
    ],
    "mending_window_days": 7,
    "sign_in": {
        "staff": ["password"],
        "pupil": ["esia", "temporary_login"],
        "parent": ["esia"],
    },
    "temporary_login_issuers": ["class_teacher"],
    "small_cell_k": 5,
}

# Rules the regulations state as prohibitions or archive law: schools may only tighten them.
DEFAULT_FIXED_V1 = [
    "mark_scale",
    "grades_without_marks",
    "backdating_window_days",
    "correction",
    "retention_journal_years",
    "retention_summary_years",
]
DEFAULT_FIXED = [*DEFAULT_FIXED_V1, "mending_window_days"]

DEFAULT_SOURCES_V1 = {
    "mark_scale": "000 §3.9: в клетках для отметок только «2», «3», «4», «5».",
    "grades_without_marks": "000 §3.9: в 1-х классах обучение безотметочное.",
    "mark_entry_deadline_hours": (
        "000 §3.9 (не позднее 3 часов после окончания занятий), 001 §2.1 (в день "
        "проведения), 002 п.5 «Учитель» а) (в день проведения урока); 001 §2.4 (1 неделя) и "
        "003 §4.3.1 (раз в две недели) мягче: принят день урока."
    ),
    "homework_deadline_hours": (
        "001 §2.2: в день занятия, не позднее окончания всех занятий обучающихся; "
        "000 §3.9: ежедневно."
    ),
    "written_work_mark_deadline_days": (
        "001 §2.4: не позднее 1 недели со дня проведения; 000 §3.9, 002 п.5 г): по нормам "
        "проверки письменных работ."
    ),
    "backdating_window_days": (
        "000 §3.9, 002 п.5 ж): выставление отметок «задним числом» запрещено."
    ),
    "correction": (
        "000 §3.9, 002 п.5 ж), 004 §8.6: исправление отметок не допускается; 004 §8.6: "
        "ошибки устраняются не позднее семи дней — только записью исправления с причиной и "
        "автором, по решению заместителя директора или директора."
    ),
    "paper_copy_cadence": "002 п.4: в конце каждой четверти во 2–9, полугодия в 10–11 классах.",
    "parent_printout_days": (
        "001 (Регламент ЭД, п.1): не реже раза в неделю; 002 (Регламент услуги): раз в две "
        "недели; принято чаще — раз в неделю."
    ),
    "retention_journal_years": "000 §4.1: электронные журналы хранятся 5 лет.",
    "retention_summary_years": "000 §4.1: сводные ведомости успеваемости хранятся 25 лет.",
    "min_marks_per_weekly_hour": (
        "002 п.5 д), 004 §8.4: накопляемость отметок зависит от недельной нагрузки."
    ),
    "systematic_absence_threshold": (
        "000 §3.8, 004 §4.4: контроль систематической непосещаемости (порог — местное решение)."
    ),
    "work_kinds": "002 п.5 ж), 004 §8.5: вид работы выбирается из списка.",
}
DEFAULT_SOURCES = {
    **DEFAULT_SOURCES_V1,
    "mark_entry_deadline_from": (
        "000 §3.9: не позднее 3 часов после окончания занятий обучающихся; 001 §2.1, 002 п.5 "
        "а): в день проведения. Срок считается от конца дня урока (редакция 1); школа может "
        "считать его от окончания уроков класса по расписанию звонков."
    ),
    "homework_deadline_hours": (
        "001 §2.2: в день занятия, не позднее окончания всех занятий обучающихся (часы "
        "отсчитываются от окончания последнего урока класса); 001 §2.3: можно заранее; "
        "000 §3.9: ежедневно."
    ),
    "written_work_mark_deadline_days": (
        "001 §2.4: не позднее 1 недели со дня проведения; 004 §8.5: в сроки, установленные "
        "локальным актом школы (у вида работы может быть свой срок); 000 §3.9, 002 п.5 г): по "
        "нормам проверки письменных работ."
    ),
    "correction": (
        "000 §3.9, 002 п.5 ж): исправление отметок запрещено; 004 §8.6: «Исправление отметок "
        "не допускаются». Шаблон, который их допускает, задаёт срок, роли и причину."
    ),
    "mending_window_days": (
        "004 §8.6: ошибки, неточности и замечания (темы, домашние задания, пропущенные "
        "записи) устраняются не позднее семи дней."
    ),
    "sign_in": (
        "002 §3.1: реквизиты доступа только через ЕСИА; 003 §3.1: вход по идентификатору и "
        "паролю; 004 §3.2: ЕСИА, временный логин обучающегося в исключительных случаях."
    ),
    "temporary_login_issuers": (
        "004 §3.2: временный логин выдаёт классный руководитель по письменному заявлению; "
        "004 §5.4: создаёт администратор ЭЖ."
    ),
    "small_cell_k": (
        "002 §2.1: управлению образования — обобщённые сведения без персональных данных; "
        "004 §3.5: защита персональных данных (152-ФЗ). Группа меньше k обучающихся в "
        "статистике скрывается."
    ),
    "work_kinds": (
        "002 п.5 ж), 004 §8.5: вид работы выбирается из списка; письменные работы — "
        "контрольные, самостоятельные, лабораторные, практические, диктанты, сочинения."
    ),
}

DEFAULT_TEXT_V1 = """\
# Положение о ведении электронного журнала и электронного дневника

Типовое положение муниципального оператора. Школа принимает его приказом директора
(000 §5.1); правила, отмеченные как закреплённые, школа может сделать только строже.

## 1. Отметки

1.1. В клетках для отметок записывается только одна из отметок «2», «3», «4», «5»
(000 §3.9).

1.2. В 1-х классах обучение безотметочное: ведётся учёт присутствия, движения
обучающихся и записи тем уроков; отметки и домашние задания не ставятся (000 §3.9).

1.3. Каждая отметка выставляется с указанием вида работы из списка (002 п.5 ж),
004 §8.5).

1.4. Накопляемость: не меньше одной отметки за учебный период на каждый час недельной
нагрузки по предмету (002 п.5 д), 004 §8.4).

## 2. Сроки

2.1. Сведения об уроке, посещаемость и отметки за урок вносятся в день проведения урока
(000 §3.9, 001 §2.1, 002 п.5 «Учитель» а)).

2.2. Домашнее задание вносится в день урока, не позднее окончания всех занятий
обучающихся; его можно размещать заранее (001 §2.2–2.3).

2.3. Отметки за письменные работы выставляются не позднее одной недели со дня
проведения работы (001 §2.4).

## 3. Исправления

3.1. Исправление отметок и выставление отметок «задним числом» запрещено (000 §3.9,
002 п.5 ж), 004 §8.6).

3.2. Ошибка устраняется не позднее семи дней только записью исправления с указанием
причины и автора; исправление вносит заместитель директора или директор (004 §8.6).

## 4. Информирование родителей и бумажные копии

4.1. Родителям (законным представителям), отказавшимся от электронного доступа,
распечатка результатов выдаётся не реже одного раза в неделю (001, Регламент ЭД п.1).

4.2. Бумажные копии журнала заполняются в конце каждой четверти во 2–9 классах и в
конце каждого полугодия в 10–11 классах, подписываются директором и заверяются печатью
(002 п.4).

## 5. Хранение

5.1. Электронные журналы архивируются в конце учебного года и хранятся 5 лет; сводные
ведомости успеваемости — 25 лет; целостность и достоверность архива контролируются весь
срок хранения (000 §4.1, 001 §2.5, 004 §10.1).

## 6. Платные сервисы

6.1. Использование платных электронных журналов и дневников, а также содержащих платные
сервисы, не допускается (004 §4.8).
"""

DEFAULT_TEXT = DEFAULT_TEXT_V1.replace(
    """2.2. Домашнее задание вносится в день урока, не позднее окончания всех занятий
обучающихся; его можно размещать заранее (001 §2.2–2.3).

2.3. Отметки за письменные работы выставляются не позднее одной недели со дня
проведения работы (001 §2.4).""",
    """2.2. Домашнее задание вносится в день урока, не позднее окончания всех занятий
обучающихся класса по расписанию звонков; его можно размещать заранее (001 §2.2–2.3).

2.3. Отметки за письменные работы (контрольные, самостоятельные, лабораторные,
практические работы, диктанты, сочинения) выставляются не позднее одной недели со дня
проведения работы, если для вида работы не установлен иной срок (001 §2.4, 004 §8.5).""",
).replace(
    """3.1. Исправление отметок и выставление отметок «задним числом» запрещено (000 §3.9,
002 п.5 ж), 004 §8.6).

3.2. Ошибка устраняется не позднее семи дней только записью исправления с указанием
причины и автора; исправление вносит заместитель директора или директор (004 §8.6).""",
    """3.1. Исправление отметок и выставление отметок «задним числом» запрещено (000 §3.9,
002 п.5 ж), 004 §8.6: «Исправление отметок не допускаются»).

3.2. Ошибки, неточности и замечания в записях об уроке (темы, домашние задания,
пропущенные записи) учитель устраняет не позднее семи дней со дня урока (004 §8.6).

3.3. Вход в журнал: сотрудники — по логину и паролю, выданным администратором ЭЖ;
родители и обучающиеся — через Госуслуги (ЕСИА); временный логин обучающемуся выдаёт
классный руководитель по письменному заявлению (002 §3.1, 003 §3.1, 004 §3.2).""",
)

# Versions of the default regulation, in order; `load_seed` creates the missing ones.
DEFAULT_VERSIONS: list[dict[str, Any]] = [
    {
        "number": 1,
        "title": "Типовое положение об электронном журнале и дневнике, редакция 1",
        "text": DEFAULT_TEXT_V1,
        "rules": DEFAULT_RULES_SEED_V1,
        "fixed": DEFAULT_FIXED_V1,
        "sources": DEFAULT_SOURCES_V1,
    },
    {
        "number": 2,
        "title": "Типовое положение об электронном журнале и дневнике, редакция 2",
        "text": DEFAULT_TEXT,
        "rules": DEFAULT_RULES_SEED,
        "fixed": DEFAULT_FIXED,
        "sources": DEFAULT_SOURCES,
    },
]

_Q = [
    {"start": "2026-09-01", "end": "2026-10-23"},
    {"start": "2026-11-05", "end": "2026-12-25"},
    {"start": "2027-01-11", "end": "2027-03-19"},
    {"start": "2027-03-29", "end": "2027-05-26"},
]
_H = [
    {"start": "2026-09-01", "end": "2026-12-25"},
    {"start": "2027-01-11", "end": "2027-05-26"},
]
_T = [
    {"start": "2026-09-01", "end": "2026-11-27"},
    {"start": "2026-11-30", "end": "2027-02-26"},
    {"start": "2027-03-01", "end": "2027-05-26"},
]
_Y = [{"start": "2026-09-01", "end": "2027-05-26"}]
FIRST_GRADE_HOLIDAY = "Дополнительные каникулы (1 класс)"
HOLIDAYS: list[dict[str, Any]] = [
    {"title": "Осенние каникулы", "start": "2026-10-24", "end": "2026-11-04"},
    {"title": "Зимние каникулы", "start": "2026-12-26", "end": "2027-01-10"},
    {
        "title": "Дополнительные каникулы (1 класс)",
        "start": "2027-02-15",
        "end": "2027-02-21",
        "grades_from": 1,
        "grades_to": 1,
    },
    {"title": "Весенние каникулы", "start": "2027-03-20", "end": "2027-03-28"},
]

PERIOD_SCHEMES: list[dict[str, Any]] = [
    {
        "code": "quarters-half-years",
        "title": "Четверти в 1–9 классах, полугодия в 10–11 классах",
        "description": "002 п.4; 000 §3.7: отчётные периоды по учебному плану и графику.",
        "bands": [
            {"grades_from": 1, "grades_to": 9, "kind": "quarter"},
            {"grades_from": 10, "grades_to": 11, "kind": "half_year"},
        ],
        "is_default": True,
        "calendars": {2026: {"quarter": _Q, "half_year": _H, "year": _Y}},
    },
    {
        "code": "quarters",
        "title": "Четверти в 1–11 классах",
        "description": "001 (переходный период — 1 четверть), 003 §7.2: отчёты каждую четверть.",
        "bands": [{"grades_from": 1, "grades_to": 11, "kind": "quarter"}],
        "is_default": False,
        "calendars": {2026: {"quarter": _Q, "year": _Y}},
    },
    {
        "code": "trimesters",
        "title": "Триместры в 1–9 классах, полугодия в 10–11 классах",
        "description": "004 §5.2, §5.9: учебные периоды — триместр, полугодие, год.",
        "bands": [
            {"grades_from": 1, "grades_to": 9, "kind": "trimester"},
            {"grades_from": 10, "grades_to": 11, "kind": "half_year"},
        ],
        "is_default": False,
        "calendars": {2026: {"trimester": _T, "half_year": _H, "year": _Y}},
    },
]


def _p(name: str, title: str, type_: str, required: bool = True) -> dict[str, Any]:
    return {"name": name, "title": title, "type": type_, "required": required}


def _c(key: str, title: str, type_: str, **extra: str) -> dict[str, Any]:
    return {"key": key, "title": title, "type": type_, **extra}


_YEAR = _p("academic_year", "Учебный год", "academic_year")
_PERIOD = _p("period", "Учебный период", "period")
_CLASS = _p("class_group", "Класс", "class_group")
_MONTH = _p("month", "Месяц", "month")
_RATES = [
    _c("success_rate", "Успеваемость, %", "percent", description="Доля аттестованных без «2»."),
    _c("quality_rate", "Качество знаний, %", "percent", description="Доля с «4» и «5»."),
    _c(
        "learning_degree",
        "СОУ, %",
        "percent",
        description="(100·n5 + 64·n4 + 36·n3 + 16·n2) / N.",
    ),
    _c("average_mark", "Средний балл", "decimal"),
]

REPORT_FORMS: list[dict[str, Any]] = [
    {
        "code": "pupil-movement",
        "title": "Динамика движения обучающихся",
        "requirement": "REP-1",
        "description": "000 §3.10: по окончании учебного периода.",
        "row_kind": "class_group",
        "parameters": [_YEAR, _PERIOD],
        "columns": [
            _c("class_group", "Класс", "string"),
            _c("at_start", "На начало периода", "integer"),
            _c("arrived", "Прибыло", "integer"),
            _c("left", "Выбыло", "integer"),
            _c("at_end", "На конец периода", "integer"),
        ],
    },
    {
        "code": "class-sizes",
        "title": "Наполняемость классов",
        "requirement": "REP-1",
        "description": "000 §3.10.",
        "row_kind": "class_group",
        "parameters": [_YEAR, _p("date", "На дату", "date", required=False)],
        "columns": [
            _c("class_group", "Класс", "string"),
            _c("class_teacher", "Классный руководитель", "string"),
            _c("pupils", "Обучающихся", "integer"),
            _c("subgroups", "Подгрупп", "integer"),
        ],
    },
    {
        "code": "pupil-final-data",
        "title": "Итоговые данные по учащимся",
        "requirement": "REP-1",
        "description": "000 §3.10: итоговые отметки и пропуски каждого обучающегося.",
        "row_kind": "pupil",
        "parameters": [_YEAR, _PERIOD, _CLASS],
        "columns": [
            _c("pupil", "Обучающийся", "string"),
            _c("mark", "Отметка", "mark", repeat="subject"),
            _c("missed_lessons", "Пропущено уроков", "integer"),
            _c("missed_ill", "Из них по болезни", "integer"),
        ],
    },
    {
        "code": "class-attendance-monthly",
        "title": "Отчёт о посещаемости класса (по месяцам)",
        "requirement": "REP-1",
        "description": "000 §3.10; коды Б, У, Н, О (002 п.5 «Классный руководитель» а)).",
        "row_kind": "pupil",
        "parameters": [_CLASS, _MONTH],
        "columns": [
            _c("pupil", "Обучающийся", "string"),
            _c("day", "Пропуски за день", "string", repeat="day"),
            _c("ill", "Б — болезнь", "integer"),
            _c("excused", "У — уважительная причина", "integer"),
            _c("unexcused", "Н — неуважительная причина", "integer"),
            _c("late", "О — опоздания", "integer"),
            _c("total", "Всего пропущено уроков", "integer"),
        ],
    },
    {
        "code": "class-period-results",
        "title": "Итоги успеваемости класса за учебный период",
        "requirement": "REP-1",
        "description": "000 §3.10; показатели — по глоссарию (успеваемость, качество, СОУ).",
        "row_kind": "subject",
        "parameters": [_CLASS, _PERIOD],
        "columns": [
            _c("subject", "Предмет", "string"),
            _c("teacher", "Учитель", "string"),
            _c("pupils", "Обучающихся", "integer"),
            _c("n5", "«5»", "integer"),
            _c("n4", "«4»", "integer"),
            _c("n3", "«3»", "integer"),
            _c("n2", "«2»", "integer"),
            _c("not_attested", "Не аттестовано", "integer"),
            *_RATES,
        ],
    },
    {
        "code": "summary-progress-sheet",
        "title": "Сводная ведомость учёта успеваемости обучающихся класса",
        "requirement": "REP-1",
        "description": "000 §3.10, §4.1 (хранится 25 лет); 004 §10.2.",
        "row_kind": "pupil",
        "parameters": [_CLASS, _YEAR],
        "columns": [
            _c("pupil", "Обучающийся", "string"),
            _c("period_mark", "Отметка за период", "mark", repeat="period"),
            _c("year_mark", "Годовая", "mark", repeat="subject"),
            _c("exam_mark", "Экзаменационная", "mark", repeat="subject"),
            _c("final_mark", "Итоговая", "mark", repeat="subject"),
        ],
    },
    {
        "code": "summary-attendance-sheet",
        "title": "Сводная ведомость учёта посещаемости",
        "requirement": "REP-1",
        "description": "000 §3.10; 004 §10.2.",
        "row_kind": "pupil",
        "parameters": [_CLASS, _YEAR],
        "columns": [
            _c("pupil", "Обучающийся", "string"),
            _c("missed", "Пропущено уроков", "integer", repeat="period"),
            _c("missed_ill", "Из них по болезни", "integer", repeat="period"),
            _c("missed_year", "Всего за год", "integer"),
        ],
    },
    {
        "code": "journal-keeping-control",
        "title": "Контроль ведения электронного журнала",
        "requirement": "REP-2",
        "description": (
            "000 §3.10–3.11 (не реже 1 раза в месяц), 002 п.3.5, 003 §3.7, §4.5.2: активность "
            "учителей, наполняемость оценок, темы и домашние задания."
        ),
        "row_kind": "teacher",
        "parameters": [_MONTH, _p("teacher", "Учитель", "teacher", required=False)],
        "columns": [
            _c("teacher", "Учитель", "string"),
            _c("subject", "Предмет", "string"),
            _c("class_group", "Класс", "string"),
            _c("lessons_given", "Проведено уроков", "integer"),
            _c("topics_recorded", "Записано тем, %", "percent"),
            _c("homework_recorded", "Записано домашних заданий, %", "percent"),
            _c("pupils_without_marks", "Обучающихся без отметок, %", "percent"),
            _c("pupils_one_mark", "Обучающихся с одной отметкой, %", "percent"),
            _c("late_entries", "Записей позже срока", "integer"),
            _c("plan_coverage", "Выполнение КТП, %", "percent"),
            _c("last_activity", "Последняя работа в журнале", "date"),
        ],
    },
    {
        "code": "participation",
        "title": "Участие родителей и обучающихся",
        "requirement": "REP-2",
        "description": "002 п.3.5, 003 §3.7, §4.5.2: процент участия родителей и учащихся.",
        "row_kind": "class_group",
        "parameters": [_MONTH],
        "columns": [
            _c("class_group", "Класс", "string"),
            _c("pupils_active", "Обучающихся заходили, %", "percent"),
            _c("parents_active", "Родителей заходили, %", "percent"),
            _c("diary_views", "Просмотров дневника", "integer"),
        ],
    },
    {
        "code": "journal-keeping-analysis",
        "title": "Анализ работы с классным журналом",
        "requirement": "REP-2",
        "description": "002 п.5 «Ответственный» б), 004 §5.9: по окончании учебного периода.",
        "row_kind": "class_group",
        "parameters": [_PERIOD],
        "columns": [
            _c("class_group", "Класс", "string"),
            _c("subject", "Предмет", "string"),
            _c("teacher", "Учитель", "string"),
            _c("marks_per_pupil", "Отметок на обучающегося", "decimal"),
            _c("accumulation_ok", "Накопляемость достаточна", "boolean"),
            _c("topics_vs_plan", "Темы по КТП, %", "percent"),
            _c("homework_recorded", "Записано домашних заданий, %", "percent"),
            _c("period_marks_given", "Выставлено отметок за период, %", "percent"),
            _c("remarks", "Замечания", "string"),
        ],
    },
]


# The education department's cross-school forms (issue #13): rows are schools, figures
# come from the rollups (platform/department/reports.py), small groups are hidden.
_DEPARTMENT_PERIOD = _PERIOD  # the period key of the rollups, the same in every school
DEPARTMENT_REPORT_FORMS: list[dict[str, Any]] = [
    {
        "code": "department-class-results",
        "title": "Итоги успеваемости по школам муниципалитета",
        "requirement": "REP-1",
        "description": (
            "000 §3.10, 002 §2.1: итоги учебного периода по школам из сводных показателей "
            "(успеваемость, качество, средний балл — по глоссарию); без персональных данных."
        ),
        "row_kind": "school",
        "parameters": [
            _DEPARTMENT_PERIOD,
            _p("grade", "Параллель", "grade", required=False),
            _p("subject", "Предмет", "subject", required=False),
        ],
        "columns": [
            _c("school", "Школа", "string"),
            _c("pupils", "Обучающихся (по предметам)", "integer"),
            _c("n5", "«5»", "integer"),
            _c("n4", "«4»", "integer"),
            _c("n3", "«3»", "integer"),
            _c("n2", "«2»", "integer"),
            _c("not_attested", "Не аттестовано", "integer"),
            _c("success_rate", "Успеваемость, %", "percent"),
            _c("quality_rate", "Качество знаний, %", "percent"),
            _c("average_mark", "Средний балл", "decimal"),
            _c("computed_at", "Данные на", "string"),
        ],
    },
    {
        "code": "department-journal-keeping",
        "title": "Контроль ведения электронного журнала по школам",
        "requirement": "REP-2",
        "description": (
            "000 §3.10–3.11, 002 п.3.5: заполнение журнала по школам (рейтинг), школы с "
            "просроченными отметками за период."
        ),
        "row_kind": "school",
        "parameters": [_DEPARTMENT_PERIOD],
        "columns": [
            _c("rank", "Место", "integer"),
            _c("school", "Школа", "string"),
            _c("lessons", "Уроков", "integer"),
            _c("topic_rate", "Уроков с темой, %", "percent"),
            _c("homework_rate", "Уроков с домашним заданием, %", "percent"),
            _c("marks_rate", "Уроков с отметками, %", "percent"),
            _c("missing", "Нет отметки за период", "integer"),
            _c("marks_close_on", "Последний день отметок", "date"),
            _c("overdue", "Отметки просрочены", "string"),
            _c("computed_at", "Данные на", "string"),
        ],
    },
]
REPORT_FORMS.extend(DEPARTMENT_REPORT_FORMS)


def _mark_first_grade_holidays(calendar_model: Any, scheme: Any, start_year: int) -> None:
    """Seeded calendars written before holidays carried grades: the 1st grade's extra week
    is the 1st grade's only (a data fix of the seed's own rows, issue 10)."""
    calendar = calendar_model.objects.get(scheme=scheme, start_year=start_year)
    changed = False
    for holiday in calendar.holidays:
        if holiday.get("title") == FIRST_GRADE_HOLIDAY and "grades_from" not in holiday:
            holiday.update(grades_from=1, grades_to=1)
            changed = True
    if changed:
        calendar.save(update_fields=["holidays"])


def load_seed(apps: Any = None) -> dict[str, int]:
    """Create whatever of the seed is missing; return how many rows of each were created."""
    if apps is None:
        from django.apps import apps as real_apps

        apps = real_apps
    from django.utils import timezone

    template_model = apps.get_model("catalog", "RegulationTemplate")
    version_model = apps.get_model("catalog", "RegulationVersion")
    scheme_model = apps.get_model("catalog", "PeriodScheme")
    calendar_model = apps.get_model("catalog", "PeriodCalendar")
    form_model = apps.get_model("catalog", "ReportForm")
    created = {"regulations": 0, "period_schemes": 0, "calendars": 0, "report_forms": 0}

    template, new = template_model.objects.get_or_create(
        code=DEFAULT_REGULATION_CODE,
        defaults={
            "title": "Типовое положение об электронном журнале и дневнике",
            "is_default": not template_model.objects.filter(is_default=True).exists(),
        },
    )
    numbers = set(version_model.objects.filter(template=template).values_list("number", flat=True))
    for spec in DEFAULT_VERSIONS:
        if spec["number"] in numbers:
            continue
        if spec["number"] > 1 and spec["number"] - 1 not in numbers:
            break  # an operator's own numbering: leave the template to them
        version_model.objects.create(
            template=template, status="published", published_at=timezone.now(), **spec
        )
        numbers.add(spec["number"])
        created["regulations"] += 1

    has_default_scheme = scheme_model.objects.filter(is_default=True).exists()
    for spec in PERIOD_SCHEMES:
        scheme, new = scheme_model.objects.get_or_create(
            code=spec["code"],
            defaults={
                "title": spec["title"],
                "description": spec["description"],
                "bands": spec["bands"],
                "is_default": spec["is_default"] and not has_default_scheme,
            },
        )
        created["period_schemes"] += int(new)
        for start_year, periods in spec["calendars"].items():
            _, new = calendar_model.objects.get_or_create(
                scheme=scheme,
                start_year=start_year,
                defaults={"periods": periods, "holidays": HOLIDAYS},
            )
            created["calendars"] += int(new)
            if not new:
                _mark_first_grade_holidays(calendar_model, scheme, start_year)

    for form in REPORT_FORMS:
        if not form_model.objects.filter(code=form["code"]).exists():
            form_model.objects.create(version=1, **form)
            created["report_forms"] += 1
    return created
