"""Reads of the central catalog. Until adoption exists, every school gets the default rules."""

from __future__ import annotations

from typing import Any

from catalog.rules import DEFAULT_RULES, Rules


def current_rules(school: Any | None = None) -> Rules:
    """The rules the school's adopted regulation version sets (the current school if None)."""
    return DEFAULT_RULES
