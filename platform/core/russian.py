"""Russian words the pages and reports share: month names, period titles after «за»."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def day_month(day: dt.date) -> str:
    """«12 января»: a day as a date in running text says it."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]}"


def date_range(starts: dt.date, ends: dt.date) -> str:
    """«12 января 2027 г.», «с 12 по 18 января 2027 г.», «с 28 декабря 2026 г. по 10 января
    2027 г.»: a range of days as an announcement or an order says it."""
    if starts == ends:
        return f"{day_month(starts)} {starts.year} г."
    if starts.year != ends.year:
        return f"с {day_month(starts)} {starts.year} г. по {day_month(ends)} {ends.year} г."
    if starts.month == ends.month:
        return f"с {starts.day} по {day_month(ends)} {ends.year} г."
    return f"с {day_month(starts)} по {day_month(ends)} {ends.year} г."


def month_title(day: dt.date) -> str:
    """«ноябрь 2026»: the month of `day`, as a heading or a report's caption says it."""
    return f"{MONTHS[day.month - 1]} {day.year}"


# Period and other feminine titles in «-я …ь» take «-ю» after «за» (винительный падеж):
# «1-я четверть» → «за 1-ю четверть»; «1-е полугодие», «1-й триместр» do not change.
_FEMININE_ORDINAL = re.compile(r"\b(\d+)-я(\s+\w+ь)\b")
# «2 четверть» (a bare number, as some schools title it) reads «за 2-ю четверть».
_BARE_ORDINAL = re.compile(r"^(\d+)(\s+\w+ь)\b")
# Ordinal words: «первая четверть» → «первую четверть», «третья» → «третью».
_FEMININE_WORD = re.compile(r"\b(перв|втор|четв[её]рт|пят|шест)ая(\s+\w+ь)\b", re.IGNORECASE)
_THIRD = re.compile(r"\b(трет)ья(\s+\w+ь)\b", re.IGNORECASE)


def accusative(title: str) -> str:
    """The title as it reads after «за» or «на»."""
    text = _FEMININE_ORDINAL.sub(r"\1-ю\2", str(title))
    text = _BARE_ORDINAL.sub(r"\1-ю\2", text)
    text = _FEMININE_WORD.sub(r"\1ую\2", text)
    return _THIRD.sub(r"\1ью\2", text)
