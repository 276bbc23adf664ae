"""Reads of the public regulation page (001 ЭД п.1, 003 §4.4, TPL-4): the regulation the
school adopted with the director's order that put it in force, and the user guides.

Nothing here names a person: the page is open to anonymous visitors of the school's host.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from catalog.markdown import render_markdown
from catalog.schema import RULE_TITLES
from catalog.selectors import adopted_regulation
from journal.structure.selectors import regulation_order_in_force

GUIDES_DIR = Path(settings.BASE_DIR) / "docs" / "guides"
# The user guides shown beside the regulation (docs/guides), in the menu's order.
GUIDES = {
    "teacher": ("Учителю", "teacher.md"),
    "class-teacher": ("Классному руководителю", "class_teacher.md"),
    "deputy": ("Заместителю директора и директору", "deputy.md"),
    "admin": ("Администратору ЭЖ", "admin.md"),
    "parent": ("Родителю и обучающемуся", "parent.md"),
    "sso": ("Вход через Госуслуги", "sso.md"),
}
_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\(img/(?P<name>[\w.-]+\.png)\)\s*$")


@dataclass(frozen=True)
class OrderInForce:
    number: str
    signed_on: dt.date
    in_force_from: dt.date


@dataclass
class PublicRegulation:
    title: str
    version: int
    published_at: dt.datetime | None
    adopted_at: dt.datetime
    html: SafeString
    period_scheme: str | None
    order: OrderInForce | None
    local_changes: list[str] = field(default_factory=list)


def _plain(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def public_regulation() -> PublicRegulation | None:
    """The adopted regulation's text and edition, the school's own rule values, and the
    director's order that put this edition in force (None until the school adopted one).
    Two queries (the adoption in public, the order in the school's schema)."""
    adoption = adopted_regulation()
    if adoption is None:
        return None
    version = adoption.regulation_version
    order = regulation_order_in_force()
    return PublicRegulation(
        title=version.title,
        version=version.number,
        published_at=version.published_at,
        adopted_at=adoption.adopted_at,
        html=render_markdown(version.text),
        period_scheme=adoption.period_scheme.title if adoption.period_scheme else None,
        # An order for an earlier edition does not put this one in force.
        order=OrderInForce(order.number, order.signed_on, order.in_force_from)
        if order is not None and order.regulation_version_id == version.pk
        else None,
        local_changes=[
            f"{RULE_TITLES.get(key, key)}: {_plain(value)}"
            for key, value in dict(adoption.overrides).items()
        ],
    )


def guide_list() -> list[tuple[str, str]]:
    """(slug, title) of the user guides."""
    return [(slug, title) for slug, (title, _file) in GUIDES.items()]


def guide_get(slug: str) -> tuple[str, SafeString]:
    """A user guide as HTML (the regulation's safe Markdown subset; its screenshots served
    as static files under `guides/`), 404 for an unknown slug."""
    if slug not in GUIDES:
        raise Http404
    title, name = GUIDES[slug]
    try:
        text = (GUIDES_DIR / name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise Http404 from exc
    parts: list[str] = []
    chunk: list[str] = []
    for line in text.splitlines():
        image = _IMAGE.match(line.strip())
        if image is None:
            chunk.append(line)
            continue
        parts.append(render_markdown("\n".join(chunk)))
        chunk = []
        parts.append(
            format_html(
                '<figure><img src="{}" alt="{}" loading="lazy">'
                "<figcaption>{}</figcaption></figure>",
                static(f"guides/{image['name']}"),
                image["alt"],
                image["alt"],
            )
        )
    parts.append(render_markdown("\n".join(chunk)))
    return title, mark_safe("\n".join(parts))  # noqa: S308 - each part is escaped above
