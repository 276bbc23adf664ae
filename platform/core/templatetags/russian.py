"""Russian grammar for the templates: «отметки за {{ period.title|accusative }}»."""

from __future__ import annotations

from django import template

from core import russian

register = template.Library()
register.filter("accusative", russian.accusative)
