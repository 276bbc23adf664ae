"""The regulation on the journal, public on the school's host (001 ЭД п.1, 003 §4.4,
TPL-4): its text and edition, the director's order that put it in force, and the user
guides beside it. Open without signing in; nothing on it names a person."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.web.pages import EVERY_SCHOOL_ROLE, school_page
from journal.web.regulation import selectors


@school_page(roles=EVERY_SCHOOL_ROLE, public=True)
def regulation(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/regulation/regulation.html",
        {"regulation": selectors.public_regulation(), "guides": selectors.guide_list()},
    )


@school_page(roles=EVERY_SCHOOL_ROLE, public=True)
def guide(request: HttpRequest, slug: str) -> HttpResponse:
    title, html = selectors.guide_get(slug)
    return render(
        request,
        "web/regulation/guide.html",
        {"title": title, "html": html, "guides": selectors.guide_list(), "slug": slug},
    )
