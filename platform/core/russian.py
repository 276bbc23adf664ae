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


def month_title(day: dt.date) -> str:
    """«ноябрь 2026»: the month of `day`, as a heading or a report's caption says it."""
    return f"{MONTHS[day.month - 1]} {day.year}"


# Period and other feminine titles in «-я …ь» take «-ю» after «за» (винительный падеж):
# «1-я четверть» → «за 1-ю четверть»; «1-е полугодие», «1-й триместр» do not change.
_FEMININE_ORDINAL = re.compile(r"\b(\d+)-я(\s+\w+ь)\b")


def accusative(title: str) -> str:
    """The title as it reads after «за» or «на»."""
    return _FEMININE_ORDINAL.sub(r"\1-ю\2", str(title))
