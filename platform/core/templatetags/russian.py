"""Russian grammar for the templates: «отметки за {{ period.title|accusative }}»."""

from __future__ import annotations

import re

from django import template

register = template.Library()

# Period and other feminine titles in «-я …ь» take «-ю» after «за» (винительный падеж):
# «1-я четверть» → «за 1-ю четверть»; «1-е полугодие», «1-й триместр» do not change.
_FEMININE_ORDINAL = re.compile(r"\b(\d+)-я(\s+\w+ь)\b")


@register.filter
def accusative(title: str) -> str:
    """The title as it reads after «за» or «на»."""
    return _FEMININE_ORDINAL.sub(r"\1-ю\2", str(title))
