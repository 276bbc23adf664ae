"""No code in what a person reads (issue #15): every school page, as each persona who may
read it sees it, and the operator's console pages show no code identifiers (a slug with
a version, `ezh-default v1`), no clause reference (`004 §4.8`) outside the «основание» note,
and no Latin word outside a short allow-list of names people use (PDF, XLSX, …).

The pages are the page matrix's own list (tests/web/test_page_matrix.py), so a new page is
walked as soon as it is listed there.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tenants.utils import schema_context

from tests.journal.test_access_matrix import PERSONAS
from tests.web.conftest import signed_in
from tests.web.test_page_matrix import PAGES, access_of, persona_roles
from tests.world import World

# Names people read as they are: file formats, Госуслуги's and the law's abbreviations.
LATIN_ALLOWED = {
    *("PDF", "XLSX", "CSV", "JSON", "ZIP", "RTF", "Markdown", "Word", "Excel", "PowerPoint"),
    *("OpenDocument", "SHA", "e-mail", "Enter", "Ctrl", "Tab", "Esc"),
    # The backup tool's name, which the operator meets in the console and the guide.
    "pgBackRest",
}
SLUG_VERSION = re.compile(r"\b[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+ v\d+\b")
LATIN_WORD = re.compile(r"(?<![\w@./:-])[A-Za-z][A-Za-z-]+(?![\w@./-])")
# Scripts and styles, and what a person typed (a textarea's text is data being edited).
SKIPPED_TAGS = {"script", "style", "template", "noscript", "textarea"}
# A school's documents (the regulation, the user guides) cite their sources in the text.
DOCUMENT_CLASSES = {"regulation", "guide"}


class VisibleText(HTMLParser):
    """The text a person reads: no scripts or styles, the «основание» notes apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.main: list[str] = []
        self.basis: list[str] = []
        self.document: list[str] = []
        self.stack: list[tuple[str, str]] = []  # tag, "skip" / "basis" / "document" / ""

    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr", "area"}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        # The signed-in person's own name is data (the test world's users have Latin ones).
        skipped = tag in SKIPPED_TAGS or "userbox__name" in classes
        kind = (
            "skip"
            if skipped
            else "basis"
            if "basis" in classes
            else "document"
            if DOCUMENT_CLASSES & set(classes)
            else ""
        )
        parent = self.stack[-1][1] if self.stack else ""
        self.stack.append((tag, parent or kind))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        where = self.stack[-1][1] if self.stack else ""
        if where == "skip":
            return
        {"basis": self.basis, "document": self.document}.get(where, self.main).append(data)


def problems_of(html: str, *, data: frozenset[str] = frozenset()) -> list[str]:
    """What is wrong with the page's visible text; `data` are words that are data (the
    names and logins of the test world's people), not the interface's words."""
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(" ".join(parser.main).split())
    document = " ".join(" ".join(parser.document).split())
    found = [f"code identifier «{m}»" for m in SLUG_VERSION.findall(text)]
    found += [
        f"clause reference in the text: «{text[max(0, i - 30) : i + 10]}»"
        for i in (m.start() for m in re.finditer("§", text))
    ]
    found += [
        f"Latin word «{w}»"
        for w in LATIN_WORD.findall(f"{text} {document}")
        if w not in LATIN_ALLOWED and w not in data
    ]
    found += [f"code identifier «{m}»" for m in SLUG_VERSION.findall(document)]
    return found


def people_words() -> frozenset[str]:
    """The names and logins of the people in the current schema (test data)."""
    from accounts.models import User

    words: set[str] = set()
    for row in User.objects.values_list("username", "first_name", "last_name"):
        for value in row:
            words.update(value.split())
    return frozenset(words)


def readers(world: World) -> dict[str, Client]:
    return {p: signed_in(world.users[p]) for p in PERSONAS}


@pytest.mark.usefixtures("school_day")
def test_school_pages_show_no_code_to_any_reader(world: World) -> None:
    held = persona_roles(world)
    clients = readers(world)
    with schema_context("school1"):
        data = people_words()
    walked = 0
    found: dict[str, list[str]] = {}
    for name, args in PAGES.items():
        access = access_of(name)
        if "GET" not in access.methods:
            continue
        with schema_context("school1"):
            url = reverse(name, kwargs=args(world))
        for persona, client in clients.items():
            if not (access.public or held[persona] & access.roles):
                continue
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            walked += 1
            for problem in problems_of(response.content.decode(), data=data):
                found.setdefault(problem, []).append(f"{name} ({persona})")
    assert walked > 100
    report = "\n".join(f"{p}: {', '.join(sorted(set(w))[:4])}" for p, w in found.items())
    assert found == {}, "\n" + report


def test_console_pages_show_no_code(operator: Any, school1: Any) -> None:
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    from catalog.models import RegulationTemplate

    template = RegulationTemplate.objects.order_by("pk").first()
    assert template is not None
    urls = [
        "/console/schools/",
        "/console/schools/new/",
        "/console/templates/",
        f"/console/templates/{template.pk}/versions/new/",
        "/console/templates/adopt/",
        "/console/free-check/",
        "/console/archive/",
        "/console/rollups/",
    ]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        problems = problems_of(response.content.decode(), data=people_words())
        if problems:
            found[url] = problems
    assert found == {}, "\n" + "\n".join(f"{u}: {p}" for u, ps in found.items() for p in ps)


def test_the_checker_finds_what_it_is_for() -> None:
    html = (
        "<main><p>Шаблон ezh-default v1 по 004 §4.8, кнопка Submit</p>"
        '<details class="basis"><summary>Основание</summary>004 §4.8</details>'
        "<script>var x = 'English';</script><p>Файл PDF, XLSX</p></main>"
    )
    assert problems_of(html) == [
        "code identifier «ezh-default v1»",
        "clause reference in the text: «Шаблон ezh-default v1 по 004 §4.8, кноп»",
        "Latin word «ezh-default»",
        "Latin word «Submit»",
    ]
