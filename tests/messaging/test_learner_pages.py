"""ROLE-2 stays: parents and pupils reach the messages pages and API (COM-1) and, besides
what they reached before, nothing else. The names are listed here once more, so that
widening the learners' reach is always a deliberate change of this test too."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.conftest import signed_in
from tests.world import World

MESSAGING_READ = {
    "web:messages",
    "web:messages-new",
    "web:messages-thread",
    "web:messages-file",
    "web:messages-notifications",
    "journal:messages-thread-list",
    "journal:messages-thread-detail",
    "journal:messages-contacts",
    "journal:messages-unread",
    "journal:announcement-list",
    "journal:notification-preferences",
    "web:messages-push-worker",
}
MESSAGING_WRITE = {
    "web:messages-new",
    "web:messages-thread-reply",
    "web:messages-report",
    "web:messages-notifications",
    "journal:messages-thread-start",
    "journal:messages-thread-reply",
    "journal:messages-thread-read",
    "journal:messages-report",
    "journal:notification-preferences-set",
    "journal:notification-push-subscribe",
    "journal:notification-push-unsubscribe",
}


def routes() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str, ns: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{ns}{entry.namespace}:" if entry.namespace else ns
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and entry.name:
                path = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", prefix + str(entry.pattern))
                found.append((path, ns + entry.name))

    walk(get_resolver("config.urls_tenants").url_patterns, "", "")
    return found


def test_the_learners_messaging_names_are_exactly_these() -> None:
    assert set(settings.LEARNER_WRITE_URL_NAMES) == MESSAGING_WRITE
    messaging = {n for n in settings.LEARNER_READ_URL_NAMES if "messag" in n or "announc" in n}
    messaging |= {n for n in settings.LEARNER_READ_URL_NAMES if "notification" in n}
    assert messaging == MESSAGING_READ
    names = {name for _, name in routes()}
    assert MESSAGING_READ | MESSAGING_WRITE <= names  # no stale name opens anything


def test_learners_reach_their_messages_and_nothing_else(world: World) -> None:
    reads = set(settings.LEARNER_URL_NAMES) | set(settings.LEARNER_READ_URL_NAMES)
    writes = set(settings.LEARNER_URL_NAMES) | MESSAGING_WRITE
    read_namespaces = tuple(f"{ns}:" for ns in settings.LEARNER_READ_NAMESPACES)
    for persona in ("parent", "pupil"):
        client = signed_in(world.users[persona])
        checked = 0
        for path, name in routes():
            if name in ("logout", "login") or name.startswith("sso"):
                continue
            if name not in reads and not name.startswith(read_namespaces):
                assert client.get(path).status_code == 403, (persona, "get", name)
                checked += 1
            if name not in writes:
                # The learners' guard (a middleware's process_view, and the API's default
                # permission before DRF's method check) answers before a view could
                # refuse the method with 405.
                assert client.post(path).status_code == 403, (persona, "post", name)
                checked += 1
        assert checked > 100
        # The messaging pages themselves open (the service decides the rest).
        assert client.get("/messages/").status_code == 200, persona
        assert client.get("/messages/new/").status_code == 200, persona
